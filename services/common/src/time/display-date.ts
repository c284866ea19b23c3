/** A `yyyy-mm-dd` date as officials write it: `dd/mm/yyyy`. */
export function displayDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

/** A `yyyy-mm` month as officials write it: `mm/yyyy`. */
export function displayMonth(month: string): string {
  return `${month.slice(5, 7)}/${month.slice(0, 4)}`;
}
