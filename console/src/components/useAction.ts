import { useCallback, useState } from "react";

/**
 * An action a user starts (save, upload, revoke): whether it is running, for the button's progress, and the problem
 * it ended with, for the form to show by its fields. `run` answers whether the action succeeded.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
