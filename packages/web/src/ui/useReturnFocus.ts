import { useEffect, useState } from 'react';

/**
 * Gives the focus back to the control that opened a dialog or drawer when it goes away. The
 * app mounts its dialogs when opened and unmounts them when closed, so Mantine's own return of
 * the focus (on its closing transition) never runs, and a keyboard user would be left at the top
 * of the page. The opener is read while rendering, before the dialog moves the focus inside.
 */
export function useReturnFocus(): void {
  const [opener] = useState(() =>
    typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null),
  );
  useEffect(
    () => () => {
      // After the dialog's own clean-up, which may move the focus itself.
      setTimeout(() => {
        if (opener?.isConnected) opener.focus();
      }, 0);
    },
    [opener],
  );
}
