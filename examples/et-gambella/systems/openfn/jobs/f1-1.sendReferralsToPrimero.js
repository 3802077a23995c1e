// f1-1: a UNHCR referral received from proGres v4 (through DTP) becomes a CPIMS+ case with a
// service request for the partner that provides the service.
each(
  dataPath('interventions[*]'),
  fn(state => {
    const { data } = state;

    const sexMap = {
      125080000: 'female',
      125080001: 'male',
      125080002: 'other_b25f252',
      125080003: 'unknown_4b34795',
    };

    const location = [
      data['individuals.progres_coalocationlevel3'],
      data['individuals.progres_coalocationlevel4'],
      data['individuals.progres_coalocationlevel5'],
    ]
      .filter(Boolean)
      .map(level => level.Name)
      .join(' ');

    const body = {
      services_section: [
        {
          service_request_external: true,
          service_request_title: data['user.title'],
          service_request_agency: data['user.progres_partner']
            ? data['user.progres_partner'].Name
            : 'UNHCR',
          service_request_phone: data['user.mobilephone'],
          service_request_email: data['user.internalemailaddress'],
          service_response_day_time: data.progres_interventionstartdate,
          service_referral_notes: [data.progres_interventiondescription, data.progres_reasonforreferral]
            .filter(Boolean)
            .join(', '),
          service_type: data['interventiontype.progres_description'],
          progres_interventionnumber: data.progres_interventionnumber,
          unhcr_referral_number: data.progres_interoperabilityreferralnumber,
        },
      ],
      unhcr_individual_no: data['individuals.progres_id'],
      unhcr_id_no: data['individuals.progres_registrationgroupid'].Name,
      name_first: data['individuals.progres_givenname'],
      name_middle: data['individuals.progres_middlename'],
      name_last: data['individuals.progres_familyname'],
      date_of_birth: data['individuals.progres_dateofbirth'].split('T')[0],
      sex: sexMap[data['individuals.progres_sex']],
      language: data['languages.progres_languagecodeid']
        ? [data['languages.progres_languagecodeid'].Name]
        : null,
      telephone_current: data['individuals.progres_primaryphonenumber'],
      address_current: location,
      case_id: data.progres_primeroid ? data.progres_primeroid : undefined,
      status: 'open',
      module_id: 'primeromodule-cp',
    };

    console.log('Mapping one proGres referral to CPIMS+');

    return getCases(
      { remote: true, unhcr_individual_no: data['individuals.progres_id'] },
      next => {
        if (next.data.length === 0) {
          return createCase({ data: body }, resp => resp)(next);
        }
        console.log('Matching CPIMS+ cases found:', next.data.length);
        return updateCase(next.data[0].id, { data: body }, resp => resp)(next);
      }
    )(state);
  })
);
