import { displayDate, type ReportColumn, type ReportRow } from '@ansinh/common';
import { ETHNICITIES } from '../code-lists/ethnicities.ts';
import type { Gender, PersonStatus } from './person.entity.ts';
import type { PersonSearch } from './person-search.ts';

/** Which personal columns the owner of an export may read, decided by its roles when it asked. */
export type PersonExportRights = {
  /** `person:read-identity`: name, date of birth, CCCD. */
  identity: boolean;
  /** `person:read-contact`: address. */
  contact: boolean;
};

const GENDER_NAMES: Record<Gender, string> = { male: 'Nam', female: 'Nữ', unknown: 'Không rõ' };
const STATUS_NAMES: Record<PersonStatus, string> = {
  living: 'Đang sống',
  deceased: 'Đã mất',
  moved_away: 'Đã chuyển đi',
};

/**
 * The columns of a person list: who the person is only for a reader of identities (else the year of
 * birth alone), the address only for a reader of contacts; a column a role may not read is left out,
 * not emptied, so that a file passed on shows no blank where a name was.
 */
export function personExportColumns(rights: PersonExportRights): ReportColumn[] {
  return [
    ...(rights.identity
      ? [
          { key: 'fullName', header: 'Họ và tên', kind: 'text', width: 28 } as const,
          { key: 'birth', header: 'Ngày sinh', kind: 'text', width: 12 } as const,
        ]
      : [{ key: 'birth', header: 'Năm sinh', kind: 'text', width: 10 } as const]),
    { key: 'gender', header: 'Giới tính', kind: 'text', width: 10 },
    { key: 'ethnicity', header: 'Dân tộc', kind: 'text', width: 14 },
    ...(rights.identity ? [{ key: 'citizenId', header: 'Số CCCD', kind: 'text', width: 15 } as const] : []),
    ...(rights.contact ? [{ key: 'address', header: 'Địa chỉ', kind: 'text', width: 30 } as const] : []),
    { key: 'unit', header: 'Xã/phường', kind: 'text', width: 26 },
    { key: 'status', header: 'Tình trạng', kind: 'text', width: 13 },
  ];
}

/** A person as the export's query reads it (only the columns the owner may read are selected). */
export type PersonExportRecord = {
  full_name?: string;
  birth_date: string | null;
  birth_year: number;
  gender: Gender;
  ethnicity_code: string | null;
  citizen_id?: string | null;
  address?: string | null;
  unit_code: string;
  unit_name: string;
  status: PersonStatus;
};

export function personExportRow(person: PersonExportRecord, rights: PersonExportRights): ReportRow {
  return {
    ...(rights.identity ? { fullName: person.full_name ?? '', citizenId: person.citizen_id ?? '' } : {}),
    birth: rights.identity && person.birth_date ? displayDate(person.birth_date) : String(person.birth_year),
    gender: GENDER_NAMES[person.gender] ?? person.gender,
    ethnicity: person.ethnicity_code ? (ETHNICITIES.get(person.ethnicity_code) ?? person.ethnicity_code) : '',
    ...(rights.contact ? { address: person.address ?? '' } : {}),
    unit: `${person.unit_name} (${person.unit_code})`,
    status: STATUS_NAMES[person.status] ?? person.status,
  };
}

/** `Đơn vị: Phường Thành Sen (18073) · Lọc: tên "nguyen van", đang sống · 1.234 người`. */
export function personExportSubtitle(unit: string, search: PersonSearch, count: number): string {
  const conditions = [
    ...(search.nameWords.length ? [`tên "${search.nameWords.join(' ')}"`] : []),
    ...(search.citizenId || search.oldIdNumber ? ['theo số giấy tờ'] : []),
    ...(search.status ? [STATUS_NAMES[search.status].toLowerCase()] : []),
    ...(search.householdId ? ['một hộ gia đình'] : []),
  ];
  return [
    `Đơn vị: ${unit}`,
    ...(conditions.length ? [`Lọc: ${conditions.join(', ')}`] : []),
    `${count.toLocaleString('vi-VN')} người`,
  ].join(' · ');
}
