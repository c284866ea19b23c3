import { paymentProviderOf, type PaymentProvider } from '../code-lists/payment-providers.ts';
import { parsePhone } from '../persons/person.rules.ts';
import { fieldText, type FieldProblem } from '../text/field-text.ts';
import { foldText } from '../text/fold-text.ts';

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

/** Whether the name a bank or wallet holds is the person's, ignoring accents, case and spacing. */
export function holderNameMatches(holderName: string, personName: string): boolean {
  return foldText(holderName) === foldText(personName);
}

/**
 * Checks an account for a person: a known provider (by code or common name), a bank account number of
 * 6–19 digits, or a phone number for wallets and mobile money; the holder defaults to the person.
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
  if (providerCode !== null && !provider) {
    problems.push({
      field: 'providerCode',
      message: `Không có ngân hàng / ví điện tử / Mobile Money "${providerCode}" trong danh mục.`,
    });
  }
  const accountText = text('accountNumber', input.accountNumber);
  let accountNumber = accountText?.replace(/[\s.-]/g, '') ?? '';
  if (accountText !== null && provider?.kind === 'bank') {
    if (!/^\d{6,19}$/.test(accountNumber)) {
      problems.push({ field: 'accountNumber', message: 'Số tài khoản ngân hàng phải gồm 6 đến 19 chữ số.' });
    }
  } else if (accountText !== null && provider) {
    const phone = parsePhone(accountNumber);
    if (typeof phone === 'string') accountNumber = phone;
    else
      problems.push({
        field: 'accountNumber',
        message: 'Số ví / Mobile Money phải là số điện thoại 10 chữ số.',
      });
  }
  const holderName = input.holderName ? text('holderName', input.holderName) : personName;
  if (holderName === '')
    problems.push({ field: 'holderName', message: 'Tên chủ tài khoản không được để trống.' });
  if (problems.length || !provider || holderName === null) return { problems };
  return {
    account: {
      provider,
      accountNumber,
      holderName,
      holderNameMatches: holderNameMatches(holderName, personName),
    },
  };
}
