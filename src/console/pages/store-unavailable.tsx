/** @module The page a console read gets when the store does not answer within its deadline (503). */
import { BarePage } from '../layout.tsx';

export function storeUnavailablePage(why: string) {
  return (
    <BarePage title="Store not answering">
      <h1>The store is not answering</h1>
      <p class="flash bad" role="alert">{why}</p>
      <p>Nothing was changed. The store may be locked by another process, or its disk or database
        may be slow or down; <code>/readyz</code> says whether decision records are being committed.
        Reload this page in a few seconds.</p>
    </BarePage>
  );
}
