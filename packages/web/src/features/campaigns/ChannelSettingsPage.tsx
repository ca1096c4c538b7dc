import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  type ChannelKind,
  type ChannelSettings,
  type ChannelSettingsUpdate,
  getChannelSettings,
  putChannelSettings,
} from '../../api/campaigns.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';

/** The organisation's channels (SMTP, Twilio) and copy writer (an OpenAI-compatible LLM); managers only. */
export function ChannelSettingsPage() {
  const { t } = useTranslation();
  const settings = useApi('channel-settings', (signal) => getChannelSettings(signal));
  const [saved, setSaved] = useState<ChannelSettings | null>(null);
  const current = saved ?? (settings.state === 'ready' ? settings.data : null);
  return (
    <Stack>
      <Title order={2}>{t('channels.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('channels.intro')}
      </Text>
      {settings.state === 'loading' && <Loading />}
      {settings.state === 'error' &&
        (settings.error.status === 403 ? (
          <Alert color="orange" title={t('manager.notAllowedTitle')} data-testid="not-allowed">
            {t('channels.notAllowed')}
          </Alert>
        ) : (
          <ErrorState error={settings.error} onRetry={settings.reload} />
        ))}
      {current && <SecretsUnreadable settings={current} />}
      {current && (
        <SimpleGrid cols={{ base: 1, lg: 3 }}>
          <SmtpForm settings={current} onSaved={setSaved} />
          <TwilioForm settings={current} onSaved={setSaved} />
          <LlmForm settings={current} onSaved={setSaved} />
          <RateForm settings={current} onSaved={setSaved} />
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** Secrets saved under another key than the server's: sending fails until they are entered again. */
export function SecretsUnreadable({ settings }: { settings: ChannelSettings }) {
  const { t } = useTranslation();
  if (!settings.secretsError) return null;
  return (
    <Alert color="red" role="alert" title={t('channels.secretsUnreadable')} data-testid="secrets-unreadable">
      {settings.secretsError}
    </Alert>
  );
}

function useSave(onSaved: (s: ChannelSettings) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const save = async (update: ChannelSettingsUpdate) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      onSaved(await putChannelSettings(update));
      setDone(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, save };
}

function State({ configured, detail }: { configured: boolean; detail: string | null }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs">
      <Badge color={configured ? 'green' : 'gray'} variant="light">
        {configured ? t('channels.configured') : t('channels.notConfigured')}
      </Badge>
      {configured && detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Group>
  );
}

function Footer({
  busy,
  error,
  done,
  configured,
  onRemove,
}: {
  busy: boolean;
  error: string | null;
  done: boolean;
  configured: boolean;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {done && !error && (
        <Text size="sm" c="green" role="status">
          {t('channels.saved')}
        </Text>
      )}
      <Group>
        <Button type="submit" loading={busy}>
          {t('common.save')}
        </Button>
        {configured && (
          <Button variant="subtle" color="red" onClick={onRemove} disabled={busy}>
            {t('channels.remove')}
          </Button>
        )}
      </Group>
    </>
  );
}

const optional = (s: string) => (s.trim() === '' ? undefined : s.trim());

function SmtpForm({
  settings,
  onSaved,
}: {
  settings: ChannelSettings;
  onSaved: (s: ChannelSettings) => void;
}) {
  const { t } = useTranslation();
  const [host, setHost] = useState(settings.smtp?.host ?? '');
  const [port, setPort] = useState<number>(settings.smtp?.port ?? 587);
  const [secure, setSecure] = useState(settings.smtp?.secure ?? false);
  const [user, setUser] = useState(settings.smtp?.user ?? '');
  const [pass, setPass] = useState('');
  const [from, setFrom] = useState(settings.email.from ?? '');
  const { busy, error, done, save } = useSave(onSaved);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void save({
      smtp: {
        host: host.trim(),
        port,
        secure,
        user: optional(user),
        pass: optional(pass),
        from: from.trim(),
      },
    }).then(() => setPass(''));
  };
  return (
    <Card withBorder component="form" onSubmit={submit} data-testid="smtp-form">
      <Stack gap="xs">
        <Title order={4}>{t('channels.smtp')}</Title>
        <State configured={settings.email.configured} detail={settings.email.from} />
        <TextInput
          label={t('channels.host')}
          required
          value={host}
          onChange={(e) => setHost(e.currentTarget.value)}
        />
        <Group grow>
          <NumberInput
            label={t('channels.port')}
            required
            min={1}
            max={65535}
            value={port}
            onChange={(v) => setPort(typeof v === 'number' ? v : 587)}
          />
          <Switch
            label={t('channels.secure')}
            checked={secure}
            onChange={(e) => setSecure(e.currentTarget.checked)}
            mt="lg"
          />
        </Group>
        <TextInput label={t('channels.user')} value={user} onChange={(e) => setUser(e.currentTarget.value)} />
        <PasswordInput
          label={t('channels.pass')}
          description={settings.smtp?.hasPassword ? t('channels.secretKept') : t('channels.secretHint')}
          value={pass}
          onChange={(e) => setPass(e.currentTarget.value)}
          autoComplete="new-password"
        />
        <TextInput
          label={t('channels.from')}
          required
          type="email"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <Footer
          busy={busy}
          error={error}
          done={done}
          configured={settings.email.configured}
          onRemove={() => void save({ smtp: null })}
        />
      </Stack>
    </Card>
  );
}

function TwilioForm({
  settings,
  onSaved,
}: {
  settings: ChannelSettings;
  onSaved: (s: ChannelSettings) => void;
}) {
  const { t } = useTranslation();
  const [accountSid, setAccountSid] = useState(settings.twilio?.accountSid ?? '');
  const [authToken, setAuthToken] = useState('');
  const [whatsappFrom, setWhatsappFrom] = useState(settings.whatsapp.from ?? '');
  const [smsFrom, setSmsFrom] = useState(settings.sms.from ?? '');
  const [baseUrl, setBaseUrl] = useState(settings.twilio?.baseUrl ?? '');
  const { busy, error, done, save } = useSave(onSaved);
  const configured = settings.whatsapp.configured || settings.sms.configured;
  const hasToken = settings.twilio?.hasAuthToken ?? false;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void save({
      twilio: {
        accountSid: accountSid.trim(),
        authToken: optional(authToken),
        whatsappFrom: optional(whatsappFrom),
        smsFrom: optional(smsFrom),
        baseUrl: optional(baseUrl),
      },
    }).then(() => setAuthToken(''));
  };
  return (
    <Card withBorder component="form" onSubmit={submit} data-testid="twilio-form">
      <Stack gap="xs">
        <Title order={4}>{t('channels.twilio')}</Title>
        <State
          configured={configured}
          detail={[settings.whatsapp.from, settings.sms.from].filter(Boolean).join(' · ') || null}
        />
        <TextInput
          label={t('channels.accountSid')}
          required
          value={accountSid}
          onChange={(e) => setAccountSid(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('channels.authToken')}
          description={hasToken ? t('channels.secretKept') : t('channels.secretHint')}
          required={!hasToken}
          value={authToken}
          onChange={(e) => setAuthToken(e.currentTarget.value)}
          autoComplete="new-password"
        />
        <TextInput
          label={t('channels.whatsappFrom')}
          placeholder="+14155238886"
          value={whatsappFrom}
          onChange={(e) => setWhatsappFrom(e.currentTarget.value)}
        />
        <TextInput
          label={t('channels.smsFrom')}
          placeholder="+15005550006"
          value={smsFrom}
          onChange={(e) => setSmsFrom(e.currentTarget.value)}
        />
        <TextInput
          label={t('channels.baseUrl')}
          description={t('channels.twilioBaseUrlHint')}
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
        />
        <Footer
          busy={busy}
          error={error}
          done={done}
          configured={configured}
          onRemove={() => void save({ twilio: null })}
        />
      </Stack>
    </Card>
  );
}

function LlmForm({
  settings,
  onSaved,
}: {
  settings: ChannelSettings;
  onSaved: (s: ChannelSettings) => void;
}) {
  const { t } = useTranslation();
  const [baseUrl, setBaseUrl] = useState(settings.llm.baseUrl ?? '');
  const [model, setModel] = useState(settings.llm.model ?? '');
  const [apiKey, setApiKey] = useState('');
  const { busy, error, done, save } = useSave(onSaved);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void save({ llm: { baseUrl: baseUrl.trim(), model: model.trim(), apiKey: optional(apiKey) } }).then(() =>
      setApiKey(''),
    );
  };
  return (
    <Card withBorder component="form" onSubmit={submit} data-testid="llm-form">
      <Stack gap="xs">
        <Title order={4}>{t('channels.llm')}</Title>
        <State configured={settings.llm.configured} detail={settings.llm.model} />
        <Text size="xs" c="dimmed">
          {t('channels.llmHint')}
        </Text>
        <TextInput
          label={t('channels.llmBaseUrl')}
          placeholder="http://127.0.0.1:11434/v1"
          required
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
        />
        <TextInput
          label={t('channels.model')}
          required
          value={model}
          onChange={(e) => setModel(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('channels.apiKey')}
          description={settings.llm.configured ? t('channels.secretKept') : t('channels.secretHint')}
          value={apiKey}
          onChange={(e) => setApiKey(e.currentTarget.value)}
          autoComplete="new-password"
        />
        <Footer
          busy={busy}
          error={error}
          done={done}
          configured={settings.llm.configured}
          onRemove={() => void save({ llm: null })}
        />
      </Stack>
    </Card>
  );
}

function RateForm({
  settings,
  onSaved,
}: {
  settings: ChannelSettings;
  onSaved: (s: ChannelSettings) => void;
}) {
  const { t } = useTranslation();
  const [rates, setRates] = useState<Partial<Record<ChannelKind, number>>>(settings.rateLimits ?? {});
  const { busy, error, done, save } = useSave(onSaved);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void save({ rateLimits: rates });
  };
  return (
    <Card withBorder component="form" onSubmit={submit} data-testid="rate-form">
      <Stack gap="xs">
        <Title order={4}>{t('channels.rates')}</Title>
        <Text size="xs" c="dimmed">
          {t('channels.ratesHint')}
        </Text>
        {CHANNELS.map((c) => (
          <NumberInput
            key={c}
            label={t(`channels.kinds.${c}`)}
            min={0.1}
            max={10_000}
            decimalScale={2}
            value={rates[c] ?? ''}
            onChange={(v) => setRates({ ...rates, [c]: typeof v === 'number' ? v : undefined })}
          />
        ))}
        <Footer busy={busy} error={error} done={done} configured={false} onRemove={() => {}} />
      </Stack>
    </Card>
  );
}
