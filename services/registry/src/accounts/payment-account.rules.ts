import { paymentProviderOf, type PaymentProvider } from '../code-lists/payment-providers.ts';
import { isMobileNumber, phoneNumberOf } from '../persons/phone.rule.ts';
import { digitsOf } from '../text/digits.ts';
import { fieldText, type FieldProblem } from '../text/field-text.ts';
import { foldText } from '@ansinh/common/standalone';

// The rules of a payment account, for the API (validatePaymentAccount) and the spreadsheet import
// (imports/person-row.rules.ts) alike; the import adds only the reading of cells.

export type PaymentAccountInput = {
  providerCode: string;
  accountNumber: string;
  holderName?: string | null | undefined;
};

export type ValidPaymentAccount = {
  provider: PaymentProvider;
  accountNumber: string;
  holderName: string;
  holderNameMatches: boolean;
};

const BANK_ACCOUNT_NUMBER: FieldProblem = Object.freeze({
  field: 'accountNumber',
  message: 'Số tài khoản ngân hàng phải gồm từ 6 đến 19 chữ số.',
});

const walletNumberProblems = new Map<string, FieldProblem>();

/** Whether the name a bank or wallet holds is the person's, ignoring accents, case and spacing. */
export function holderNameMatches(holderName: string, personName: string): boolean {
  return foldText(holderName) === foldText(personName);
}

/** The problem of a provider the code list does not know (by code or common name). */
export function unknownProvider(written: string): FieldProblem {
  return {
    field: 'providerCode',
    message: `Không nhận ra ngân hàng, ví điện tử hoặc Mobile Money "${written}" trong danh mục.`,
  };
}

/**
 * An account number as stored, for its provider: a bank account of 6–19 digits (separators
 * allowed), or for e-wallets and mobile money the mobile number they are opened on.
 */
export function accountNumberOf(provider: PaymentProvider, text: string): string | FieldProblem {
  if (provider.kind === 'bank') {
    const digits = digitsOf(text);
    return digits !== null && digits.length >= 6 && digits.length <= 19 ? digits : BANK_ACCOUNT_NUMBER;
  }
  const phone = phoneNumberOf(text);
  if (phone !== null && isMobileNumber(phone)) return phone;
  let problem = walletNumberProblems.get(provider.code);
  if (problem === undefined) {
    problem = Object.freeze({
      field: 'accountNumber',
      message: `Số ${provider.name} phải là số điện thoại di động 10 chữ số (đầu số 03, 05, 07, 08, 09) mở ví.`,
    });
    walletNumberProblems.set(provider.code, problem);
  }
  return problem;
}

/** The holder of an account: the name given, else the person's own. */
export const holderNameOf = (holderName: string | null | undefined, personName: string): string =>
  holderName || personName;

/**
 * Checks an account for a person: a known provider (by code or common name), its number by
 * accountNumberOf; the holder defaults to the person.
 */
export function validatePaymentAccount(
  input: PaymentAccountInput,
  personName: string,
): { account: ValidPaymentAccount } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const text = (field: 'providerCode' | 'accountNumber' | 'holderName', value: string): string | null => {
    const cleaned = fieldText(field, value);
    if (typeof cleaned === 'string') return cleaned;
    problems.push(cleaned);
    return null;
  };
  const providerCode = text('providerCode', input.providerCode);
  const provider = providerCode === null ? undefined : paymentProviderOf(providerCode);
  if (providerCode !== null && !provider) problems.push(unknownProvider(providerCode));
  const accountText = text('accountNumber', input.accountNumber);
  let accountNumber = '';
  if (accountText !== null && provider) {
    const result = accountNumberOf(provider, accountText);
    if (typeof result === 'string') accountNumber = result;
    else problems.push(result);
  }
  const holderName = input.holderName ? text('holderName', input.holderName) : '';
  if (problems.length || !provider || holderName === null) return { problems };
  const holder = holderNameOf(holderName, personName);
  return {
    account: {
      provider,
      accountNumber,
      holderName: holder,
      holderNameMatches: holderNameMatches(holder, personName),
    },
  };
}
