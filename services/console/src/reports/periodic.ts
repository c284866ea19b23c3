/** The unit and month of the regulation reports. */
export type PeriodicFilter = { unitCode: string; month: string };

const PARAM = { unitCode: 'don-vi', month: 'thang' } as const;

export const periodicParams = (filter: PeriodicFilter): Record<string, string> => ({
  [PARAM.unitCode]: filter.unitCode.trim(),
  [PARAM.month]: filter.month,
});

/** The unit and month an address asks for; null before any was asked. */
export function periodicFilterOfParams(params: URLSearchParams): PeriodicFilter | null {
  const month = params.get(PARAM.month);
  return month ? { unitCode: params.get(PARAM.unitCode) ?? '', month } : null;
}

type SummaryCommune<F> = {
  unit: { id: string };
  unitName: string;
  districtCode?: string | null;
  listState: string;
  figures: F;
};
type SummaryDistrict<F> = { unitCode: string; unitName: string; communes: number; figures: F };

/** A line of the payment summary's table: a paying commune, or a former district's subtotal. */
export type PaymentSummaryLine<F> =
  | { kind: 'commune'; key: string; name: string; listState: string; figures: F }
  | { kind: 'district'; key: string; name: string; communes: number; figures: F };

/**
 * The communes in the graph's order (by district, then code), each former district's subtotal after its
 * last commune: how a pre-reform month was reported, district by district.
 */
export function paymentSummaryLines<F>(
  communes: readonly SummaryCommune<F>[],
  districts: readonly SummaryDistrict<F>[],
): PaymentSummaryLine<F>[] {
  const districtByCode = new Map(districts.map((district) => [district.unitCode, district]));
  return communes.flatMap((commune, index): PaymentSummaryLine<F>[] => {
    const line: PaymentSummaryLine<F> = {
      kind: 'commune',
      key: commune.unit.id,
      name: commune.unitName,
      listState: commune.listState,
      figures: commune.figures,
    };
    const district = commune.districtCode ? districtByCode.get(commune.districtCode) : undefined;
    const lastOfDistrict = communes[index + 1]?.districtCode !== commune.districtCode;
    if (!district || !lastOfDistrict) return [line];
    return [
      line,
      {
        kind: 'district',
        key: `district-${district.unitCode}`,
        name: district.unitName,
        communes: district.communes,
        figures: district.figures,
      },
    ];
  });
}

type ChangeFigures = { direction: string; reasonCode: string };

/** The month's changes reason by reason (the graph's order), each with its rows by category. */
export const changesByReason = <R extends ChangeFigures, F extends ChangeFigures>(
  reasons: readonly R[],
  rows: readonly F[],
) =>
  reasons.map((reason) => ({
    reason,
    rows: rows.filter((row) => row.direction === reason.direction && row.reasonCode === reason.reasonCode),
  }));
