/**
 * The column the loader and the cleaning steps add to keep the file's row order (1-based line
 * numbers for errors, a stable order for every step). It is ours, not the user's: features,
 * profiles and models must never see it.
 */
export const ROW_ORDER_COLUMN = '__row';
