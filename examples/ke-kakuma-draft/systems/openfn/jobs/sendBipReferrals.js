// Copied from the Gambella job (OpenFn/primero-progres jobs/PROD/f2-2.sendReferralToDTP.js) and
// adapted for Kakuma. EXAMPLE WITH MISTAKES: see ../../../README.md.
getCases({ service_implementing_agency: 'UNHCR' }, state => ({ ...state, cases: state.data }));

fn(state => {
  const { host, token } = state.configuration;
  const caseid = state.cases.map(c => c.case_id);
  console.log('Primero case id(s) :: ', caseid);
  return http
    .get({
      url: `${host}/api/v2/users?per=100000&page=1`, //show ALL users
      headers: { Authorization: `Basic ${token}` },
    })(state)
    .then(({ data }) => ({ ...state, users: data.data }));
});

each(
  '$.cases[*]',
  fn(state => {
    const { data, configuration, users } = state;
    const user = users.find(u => u.user_name === data.owned_by);

    return each(data.services_section, state => {
      const service = state.data;
      const referralMapping = {
        consent_info_sharing: data.consent_info_sharing,
        unhcr_export_opt_in: data.unhcr_export_opt_in,
        case_id: data.case_id,
        owned_by: data.owned_by,
        email: user && user.email ? user.email : null,
        phone: user && user.phone ? user.phone : null,
        full_name: user && user.full_name ? user.full_name : null,
        unhcr_individual_no: data.unhcr_individual_no,
        name_first: data.name_first,
        name_last: data.name_last,
        name_nickname: data.name_nickname ? data.name_nickname : null,
        date_of_birth: data.date_of_birth,
        sex: data.sex,
        language: data.language,
        address_current: data.address_current,
        protection_status: data.protection_status,
        protection_concerns: data.protection_concerns,
        service_type: service.service_type,
        service_referral_notes: service.service_referral_notes,
      };
      return http.post({ url: configuration.urlDTP, data: referralMapping })(state);
    })(state);
  })
);
