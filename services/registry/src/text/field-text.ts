import { cleanText, TEXT_LIMITS, type TextRule } from '@ansinh/common/standalone';

/**
 * The text policy (services/common/src/text) of every text the registry takes, from the API and from
 * spreadsheets alike. Values with a format of their own (CCCD, phone, dates) are bounded and cleaned
 * here first, then checked against their format, so that no message ever repeats a huge value.
 */
export const FIELD_TEXT = {
  fullName: { label: 'Họ và tên', kind: 'name', maxLength: TEXT_LIMITS.name },
  holderName: { label: 'Tên chủ tài khoản', kind: 'name', maxLength: TEXT_LIMITS.name },
  address: { label: 'Địa chỉ', kind: 'line', maxLength: TEXT_LIMITS.address },
  householdCode: { label: 'Mã hộ', kind: 'code', maxLength: TEXT_LIMITS.code },
  note: { label: 'Ghi chú', kind: 'multiline', maxLength: TEXT_LIMITS.note },
  birthDate: { label: 'Ngày sinh', kind: 'line', maxLength: 30 },
  date: { label: 'Ngày', kind: 'line', maxLength: 30 },
  citizenId: { label: 'Số CCCD', kind: 'line', maxLength: 30 },
  oldIdNumber: { label: 'Số CMND', kind: 'line', maxLength: 30 },
  phone: { label: 'Số điện thoại', kind: 'line', maxLength: 30 },
  ethnicityCode: { label: 'Mã dân tộc', kind: 'line', maxLength: 10 },
  residenceUnitCode: { label: 'Mã xã', kind: 'line', maxLength: 10 },
  providerCode: { label: 'Ngân hàng / ví điện tử', kind: 'line', maxLength: TEXT_LIMITS.listValue },
  accountNumber: { label: 'Số tài khoản', kind: 'line', maxLength: 40 },
  /** A value picked from a list in a spreadsheet (giới tính, dân tộc, quan hệ, hình thức nhận…). */
  listValue: { label: 'Giá trị', kind: 'line', maxLength: TEXT_LIMITS.listValue },
} as const satisfies Record<string, TextRule>;

export type TextField = keyof typeof FIELD_TEXT;

export type FieldProblem = { field: string; message: string };

/**
 * A value of a field cleaned by the policy, or the problem naming the field. `field` is what the
 * problem names for the API (`input.fullName` answers as `fullName`).
 */
export function fieldText(
  field: TextField,
  value: string,
  problemField: string = field,
): string | FieldProblem {
  const result = cleanText(value, FIELD_TEXT[field]);
  return result.ok ? result.text : { field: problemField, message: result.message };
}
