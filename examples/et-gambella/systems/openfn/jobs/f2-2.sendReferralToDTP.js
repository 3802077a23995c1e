// f2-2: CPIMS+ services whose implementing agency is UNHCR become BIP referrals in proGres v4,
// only for cases marked for remote access and with consent to share with UNHCR.
getCases(
  { remote: true, service_implementing_agency: 'UNHCR', last_updated_at: `${state.cursor}..` },
  state => ({
    ...state,
    cases: state.data.filter(
      c => c.unhcr_export_opt_in === true && (c.consent_info_sharing || []).includes('unhcr')
    ),
  })
);

fn(state => {
  console.log('# CPIMS+ referrals to send to proGres v4 :: ', state.cases.length);
  return state;
});

each(
  '$.cases[*]',
  fn(state => {
    const { data, configuration } = state;
    const { urlDTP, key, cert } = configuration;

    return each(data.services_section, state => {
      const service = state.data;

      const referralMapping = {
        consent_info_sharing: data.consent_info_sharing,
        unhcr_export_opt_in: data.unhcr_export_opt_in,
        case_id: `${data.case_id}#${service.unique_id.substr(-12)}`,
        owned_by: data.owned_by,
        owned_by_agency_id: data.owned_by_agency_id,
        unhcr_individual_no: data.unhcr_individual_no,
        unhcr_id_no: data.unhcr_id_no,
        name_first: data.name_first,
        name_middle: data.name_middle ? data.name_middle : null,
        name_last: data.name_last,
        date_of_birth: data.date_of_birth
          ? new Date(data.date_of_birth).toISOString().split('T')[0]
          : undefined,
        sex: data.sex,
        language: data.language ? data.language.join(', ') : null,
        address_current: data.address_current,
        telephone_current: data.telephone_current ? data.telephone_current.toString() : null,
        protection_status: data.protection_status,
        service_type: service.service_type,
        service_response_day_time: service.service_response_day_time,
        service_implementing_agency: service.service_implementing_agency,
        service_referral_notes: service.service_referral_notes || 'Primero referral',
      };

      return http
        .post({
          url: urlDTP,
          data: referralMapping,
          agentOptions: { key, cert },
        })(state)
        .then(() => {
          console.log('Referral uploaded to DTP/proGres.');
          return state;
        });
    })(state);
  })
);
