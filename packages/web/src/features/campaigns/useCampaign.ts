import { useCallback, useEffect, useState } from 'react';
import { type Campaign, getCampaign } from '../../api/campaigns.ts';
import { asApiError, type Loadable } from '../../ui/useApi.ts';

const POLL_MS = 1500;

/** A campaign, read again every 1.5 s while it is queued or sending (the counts move). */
export function useCampaign(id: string): Loadable<Campaign> & { reload: () => void } {
  const [value, setValue] = useState<Loadable<Campaign>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` asks for a fresh read.
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      getCampaign(id, controller.signal).then(
        (campaign) => {
          if (controller.signal.aborted) return;
          setValue({ state: 'ready', data: campaign });
          if (campaign.status === 'queued' || campaign.status === 'sending')
            timer = setTimeout(load, POLL_MS);
        },
        (err: unknown) => {
          if (!controller.signal.aborted) setValue({ state: 'error', error: asApiError(err) });
        },
      );
    setValue({ state: 'loading' });
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [id, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...value, reload };
}
