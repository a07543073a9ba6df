/** Invoice totals: line items, a tax rate and rounding to cents. */
import { add } from './math';

export interface LineItem {
  description: string;
  quantity: number;
  unitPriceCents: number;
}

export function subtotalCents(items: LineItem[]): number {
  return items.reduce((sum, item) => add(sum, item.quantity * item.unitPriceCents), 0);
}

export function totalWithTaxCents(items: LineItem[], taxRate: number): number {
  return Math.round(subtotalCents(items) * (1 + taxRate));
}
