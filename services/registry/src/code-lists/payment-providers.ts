import type { PaymentAccountKind } from '../accounts/payment-account.entity.ts';
import { foldText } from '@ansinh/common/standalone';

export type PaymentProvider = {
  /** Code as used by NAPAS/VietQR for banks, or the provider's short name. */
  code: string;
  name: string;
  kind: PaymentAccountKind;
  /** Other names officials write, folded. */
  aliases: readonly string[];
};

const bank = (code: string, name: string, ...aliases: string[]): PaymentProvider => ({
  code,
  name,
  kind: 'bank',
  aliases,
});

/** Banks that pay social assistance, by their NAPAS/VietQR short code, and wallet and mobile-money providers. */
export const PAYMENT_PROVIDERS: readonly PaymentProvider[] = [
  bank('VBSP', 'Ngân hàng Chính sách xã hội', 'nhcsxh', 'chinh sach xa hoi', 'ngan hang chinh sach'),
  bank('VBA', 'Ngân hàng Nông nghiệp và Phát triển Nông thôn (Agribank)', 'agribank', 'nong nghiep'),
  bank('VCB', 'Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)', 'vietcombank', 'ngoai thuong'),
  bank('BIDV', 'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam (BIDV)', 'dau tu va phat trien'),
  bank('ICB', 'Ngân hàng TMCP Công Thương Việt Nam (VietinBank)', 'vietinbank', 'cong thuong', 'ctg'),
  bank(
    'LPB',
    'Ngân hàng TMCP Lộc Phát Việt Nam (LPBank)',
    'lpbank',
    'lienvietpostbank',
    'buu dien lien viet',
  ),
  bank('TCB', 'Ngân hàng TMCP Kỹ Thương Việt Nam (Techcombank)', 'techcombank', 'ky thuong'),
  bank('MB', 'Ngân hàng TMCP Quân đội (MB)', 'mbbank', 'quan doi'),
  bank('ACB', 'Ngân hàng TMCP Á Châu (ACB)', 'a chau'),
  bank('VPB', 'Ngân hàng TMCP Việt Nam Thịnh Vượng (VPBank)', 'vpbank'),
  bank('STB', 'Ngân hàng TMCP Sài Gòn Thương Tín (Sacombank)', 'sacombank'),
  bank('TPB', 'Ngân hàng TMCP Tiên Phong (TPBank)', 'tpbank'),
  bank('HDB', 'Ngân hàng TMCP Phát triển TP. Hồ Chí Minh (HDBank)', 'hdbank'),
  bank('VIB', 'Ngân hàng TMCP Quốc tế Việt Nam (VIB)', 'quoc te'),
  bank('SHB', 'Ngân hàng TMCP Sài Gòn - Hà Nội (SHB)'),
  bank('EIB', 'Ngân hàng TMCP Xuất Nhập khẩu Việt Nam (Eximbank)', 'eximbank'),
  bank('MSB', 'Ngân hàng TMCP Hàng Hải Việt Nam (MSB)', 'hang hai', 'maritime bank'),
  bank('SEAB', 'Ngân hàng TMCP Đông Nam Á (SeABank)', 'seabank'),
  bank('BAB', 'Ngân hàng TMCP Bắc Á (Bac A Bank)', 'bac a', 'bacabank'),
  bank('NAB', 'Ngân hàng TMCP Nam Á (Nam A Bank)', 'nam a', 'namabank'),
  bank('OCB', 'Ngân hàng TMCP Phương Đông (OCB)', 'phuong dong'),
  bank('PVCB', 'Ngân hàng TMCP Đại Chúng Việt Nam (PVcomBank)', 'pvcombank'),
  bank('ABB', 'Ngân hàng TMCP An Bình (ABBANK)', 'abbank', 'an binh'),
  bank('VCCB', 'Ngân hàng TMCP Bản Việt (BVBank)', 'bvbank', 'ban viet'),
  bank('KLB', 'Ngân hàng TMCP Kiên Long (KienlongBank)', 'kienlongbank', 'kien long'),
  bank('NCB', 'Ngân hàng TMCP Quốc Dân (NCB)', 'quoc dan'),
  bank('PGB', 'Ngân hàng TMCP Thịnh vượng và Phát triển (PGBank)', 'pgbank'),
  bank('VAB', 'Ngân hàng TMCP Việt Á (VietABank)', 'vietabank', 'viet a'),
  bank('SCB', 'Ngân hàng TMCP Sài Gòn (SCB)'),
  bank('SGICB', 'Ngân hàng TMCP Sài Gòn Công Thương (Saigonbank)', 'saigonbank'),
  bank('VIETBANK', 'Ngân hàng TMCP Việt Nam Thương Tín (Vietbank)'),
  bank('COOPBANK', 'Ngân hàng Hợp tác xã Việt Nam (Co-opBank)', 'co-opbank', 'hop tac xa'),
  { code: 'MOMO', name: 'Ví MoMo', kind: 'e_wallet', aliases: ['vi momo'] },
  { code: 'ZALOPAY', name: 'Ví ZaloPay', kind: 'e_wallet', aliases: ['vi zalopay', 'zalo pay'] },
  { code: 'SHOPEEPAY', name: 'Ví ShopeePay', kind: 'e_wallet', aliases: ['shopee pay'] },
  { code: 'VNPAY', name: 'Ví VNPAY', kind: 'e_wallet', aliases: ['vi vnpay'] },
  { code: 'VIETTELMONEY', name: 'Viettel Money', kind: 'mobile_money', aliases: ['viettel', 'viettel pay'] },
  { code: 'VNPTMONEY', name: 'VNPT Money', kind: 'mobile_money', aliases: ['vnpt', 'vnpt pay'] },
  {
    code: 'MOBIFONEMONEY',
    name: 'MobiFone Money',
    kind: 'mobile_money',
    aliases: ['mobifone', 'mobifone pay'],
  },
];

const providerByFoldedName = new Map<string, PaymentProvider>();
for (const provider of PAYMENT_PROVIDERS) {
  for (const name of [provider.code, provider.name, ...provider.aliases]) {
    providerByFoldedName.set(foldText(name), provider);
  }
}

/** The provider an official meant: its code (`VBA`), its full name, or a common name (`Agribank`). */
export function paymentProviderOf(written: string): PaymentProvider | undefined {
  const folded = foldText(written).replace(/^(ngan hang|nh|vi dien tu|vi)\s+/, '');
  return providerByFoldedName.get(foldText(written)) ?? providerByFoldedName.get(folded);
}

const providerByCode = new Map(PAYMENT_PROVIDERS.map((provider) => [provider.code, provider]));

/** The provider with exactly this code, as stored on an account. */
export function paymentProviderByCode(code: string): PaymentProvider | undefined {
  return providerByCode.get(code);
}
