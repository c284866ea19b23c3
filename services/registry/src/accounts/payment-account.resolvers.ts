import { idArgument, upper } from '@ansinh/common';
import type { PaymentAccountKind, Resolvers } from '../generated/resolvers-types.ts';
import { PAYMENT_PROVIDERS, paymentProviderByCode } from '../code-lists/payment-providers.ts';
import {
  addPaymentAccount,
  removePaymentAccount,
  setDefaultPaymentAccount,
} from './payment-account.service.ts';

export const paymentAccountResolvers = {
  Query: {
    paymentProviders: () => [...PAYMENT_PROVIDERS],
  },
  Mutation: {
    addPaymentAccount: (_parent, args, context) =>
      addPaymentAccount(context.em, context.session, idArgument(args.personId, 'personId'), args.input),
    setDefaultPaymentAccount: (_parent, args, context) =>
      setDefaultPaymentAccount(context.em, context.session, idArgument(args.id)),
    removePaymentAccount: (_parent, args, context) =>
      removePaymentAccount(context.em, context.session, idArgument(args.id)),
  },
  PaymentAccount: {
    kind: (account) => upper(account.kind) as PaymentAccountKind,
    provider: (account) =>
      paymentProviderByCode(account.providerCode) ?? {
        code: account.providerCode,
        name: account.providerCode,
        kind: account.kind,
        aliases: [],
      },
  },
  PaymentProvider: {
    kind: (provider) => upper(provider.kind) as PaymentAccountKind,
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'PaymentAccount' | 'PaymentProvider'>;
