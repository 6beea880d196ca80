// The module's table, `mod_likes_likes`: one row per customer and liked
// product. Every statement the module runs; all SQL is parameterised.
import { exec, query } from 'modgate/tables';

const TABLE = 'mod_likes_likes';

/** How many customers like `product` (one query). */
export function count(product) {
  const found = query(`SELECT count(*) FROM ${TABLE} WHERE product_id = ?`, [product]);
  return Number(found.rows[0]?.[0] ?? 0n);
}

/** Whether `customer` likes `product` (one query). */
export function likes(customer, product) {
  return query(`SELECT 1 FROM ${TABLE} WHERE customer_id = ? AND product_id = ?`, [customer, product]).rows.length > 0;
}

/**
 * Likes `product` for `customer`, or takes the like back: whether they like
 * it now. Two operations. Two toggles racing from one customer can meet
 * the unique index; the loser's insert fails and the button is pressed again.
 */
export function toggle(customer, product) {
  if (exec(`DELETE FROM ${TABLE} WHERE customer_id = ? AND product_id = ?`, [customer, product]) > 0) {
    return false;
  }
  exec(`INSERT INTO ${TABLE} (customer_id, product_id) VALUES (?, ?)`, [customer, product]);
  return true;
}
