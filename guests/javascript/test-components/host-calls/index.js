// Calls `products.get` as many times as the settings say (the Rust twin is
// guests/test-components/host-calls): the budget tests count the host
// operations, the benchmarks time one host call. Running out of operations
// is a typed error the guest handles: it stops early and says so.
import { ErrorCode, ModgateError } from 'modgate';
import * as log from 'modgate/log';
import { get } from 'modgate:commerce/products@1.0.0';

export const lifecycle = {
  activate(settings) {
    const calls = Number(settings.trim());
    if (!Number.isInteger(calls) || calls < 0) throw ModgateError.invalid('settings must be a number of calls');
    for (let done = 0; done < calls; done++) {
      try {
        get('p-1');
      } catch (thrown) {
        if (ModgateError.of(thrown).code === ErrorCode.budgetExhausted) {
          log.info(`budget exhausted after ${done} calls; stopping early`);
          return;
        }
        throw thrown;
      }
    }
  },
};
