const VND = new Intl.NumberFormat('vi-VN');

/** An amount of money as officials read it: `1.500.000 đ`. */
export const formatVnd = (amount: number): string => `${VND.format(amount)} đ`;

/** A count with thousands separators: `12.345`. */
export const formatCount = (count: number): string => VND.format(count);

/** `YYYY-MM` as `tháng MM/YYYY`. */
export const formatMonth = (month: string): string => {
  const [year, number] = month.split('-');
  return `tháng ${number}/${year}`;
};
