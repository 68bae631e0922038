// Shapes of the API answers the portal reads (a subset of each; see the C++ route comments).

export interface Dose {
  id: number;
  vaccine: string;
  lot: string;
  dose_number: number;
  administered_at: string;
  source: string;                 // facility | self_declared | import
  review_status: string;          // none | pending | verified | rejected
  status: string;                 // active | voided | ...
  facility_code?: string | null;
  display: string;                // counted | pending | rejected | voided
  tracking?: string;
}

export interface PersonRecord {
  person: {
    id: number;
    full_name: string;
    dob: string;
    sex: string;
    cccd: string | null;
    vaccination_status: string;
  };
  doses: Dose[];
  status: { status: string; colour: string; counted_doses: number; pending_doses: number; primary_required: number; boosters: number };
  next_dose?: { dose_number: number; earliest_date: string } | null;
}

export interface Area {
  code: string;
  name: string;
  short_name: string;
  type: string;
}
