/** A `yyyy-mm-dd` date as officials write it: `dd/mm/yyyy`. */
export function displayDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}
