/**
 * Stock codes of an Online-Retail shaped log that are not products (postage, fees, samples,
 * bad-debt adjustments): the seed project dropped them. The profile suggests dropping them and the
 * demo transaction log plants them.
 */
export const NON_PRODUCT_STOCK_CODES = [
  'POST',
  'C2',
  'BANK CHARGES',
  'PADS',
  'DOT',
  'CRUK',
  'S',
  'AMAZONFEE',
  'B',
];
