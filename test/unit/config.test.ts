import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/app/config/load-config.ts';

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: './data',
      timeZone: 'UTC',
      fiscalYearStartMonth: 7,
      demo: true,
      now: undefined,
      staleDays: 35,
      admins: [],
      logLevel: 'info',
    });
    expect(config.transports.shell).toEqual({
      actAs: undefined,
      historyFile: 'data/shell_history',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://okr:pw@db.example:5432/okr',
      OKRBOT_DATA_DIR: '/var/lib/okrbot',
      OKRBOT_TIMEZONE: 'Europe/Berlin',
      OKRBOT_FISCAL_YEAR_START: '1',
      OKRBOT_DEMO: '0',
      OKRBOT_AS: 'nuria-ruiz',
      OKRBOT_NOW: '2019-08-28T12:00:00Z',
      OKRBOT_STALE_DAYS: '14',
      OKRBOT_ADMINS: 'Nuria-Ruiz, mark-bergsma',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://okr:pw@db.example:5432/okr',
      dataDir: '/var/lib/okrbot',
      timeZone: 'Europe/Berlin',
      fiscalYearStartMonth: 1,
      demo: false,
      staleDays: 14,
      admins: ['nuria-ruiz', 'mark-bergsma'],
      logLevel: 'debug',
    });
    expect(config.now?.toISOString()).toBe('2019-08-28T12:00:00.000Z');
    // With Postgres nothing is kept on this machine, the shell's history neither.
    expect(config.transports.shell).toEqual({ actAs: 'nuria-ruiz', historyFile: undefined });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', OKRBOT_TIMEZONE: ' ', OKRBOT_DEMO: '' })).toMatchObject({
      databaseUrl: undefined,
      timeZone: 'UTC',
      demo: true,
    });
  });

  it('reports every bad variable at once, each with a hint', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://root:hunter2@localhost/okr',
        OKRBOT_TIMEZONE: 'Mars/Olympus',
        OKRBOT_FISCAL_YEAR_START: '13',
        OKRBOT_DEMO: 'maybe',
        OKRBOT_NOW: 'yesterday',
        LOG_LEVEL: 'loud',
        OKRBOT_ADMINS: 'nuria-ruiz, Bad Handle',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(7);
    expect(message).toContain('OKRBOT_ADMINS: expected comma-separated handles');
    expect(message).toContain(
      'DATABASE_URL: expected a postgres:// or postgresql:// connection URL',
    );
    expect(message).toContain('OKRBOT_TIMEZONE: expected an IANA time zone');
    expect(message).toContain(
      'OKRBOT_FISCAL_YEAR_START: expected a month number from 1 (January) to 12',
    );
    expect(message).toContain('OKRBOT_DEMO: expected 1 or 0');
    expect(message).toContain('OKRBOT_NOW: expected an ISO 8601 instant');
    expect(message).toContain('LOG_LEVEL: expected one of');
    expect(message).toContain('.env.example');
    // The secret in the bad URL never reaches the message.
    expect(message).not.toContain('hunter2');
  });

  it.each(['2019-02-31T00:00:00Z', '0', '1e309'])('refuses the impossible instant %j', (value) => {
    expect(() => loadConfig({ OKRBOT_NOW: value })).toThrow(ConfigError);
  });

  it('turns Slack and IRC on with their variables, with defaults for the rest', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'a'),
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      IRC_HOST: 'irc.example.org',
      IRC_SASL_PASSWORD: 'pw',
      IRC_CHANNELS: '#okr, #analytics',
      PORT: '0',
      OKRBOT_WEB_ACCESS: 'public',
    });
    expect(config.transports.slack).toMatchObject({
      apiUrl: 'http://127.0.0.1:9999/api/',
      appToken: undefined,
    });
    expect(config.transports.irc).toMatchObject({
      port: 6697,
      tls: true,
      tlsVerify: true,
      nick: 'okrbot',
      sasl: { account: 'okrbot', password: 'pw' },
      channels: ['#okr', '#analytics'],
      floodBurst: 4,
      floodRate: 0.5,
      formatting: true,
    });
    expect(
      loadConfig({ IRC_HOST: 'irc.example.org', IRC_FORMATTING: '0', OKRBOT_WEB_ACCESS: 'public' })
        .transports.irc?.formatting,
    ).toBe(false);
    expect(config.http.port).toBe(0);
    expect(loadConfig({}).transports).toMatchObject({ slack: undefined, irc: undefined });
    // A service listens everywhere; the shell demo keeps its pages to this machine.
    expect(config.http.host).toBe('0.0.0.0');
    expect(loadConfig({}).http).toEqual({
      port: 3000,
      host: '127.0.0.1',
      access: { dashboard: { mode: 'public' }, metricsToken: undefined },
    });
  });

  it('explains settings that need each other, and channel names that would inject IRC', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN to verify requests (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
    expect(problems({ SLACK_SIGNING_SECRET: 'abcdef0123456789' })[0]).toContain(
      'SLACK_BOT_TOKEN is not',
    );
    expect(problems({ IRC_SASL_PASSWORD: 'pw' })[0]).toContain('IRC_HOST is not');
    expect(problems({ IRC_HOST: 'irc.example.org', IRC_CHANNELS: '#okr\r\nQUIT' })[0]).toContain(
      'IRC_CHANNELS: expected comma-separated channel names',
    );
    expect(problems({ SLACK_BOT_TOKEN: 'token', SLACK_APP_TOKEN: 'xapp-1' })[0]).toContain(
      'SLACK_BOT_TOKEN: expected a bot token starting with xoxb-',
    );
    // The one workspace, org and app served: ids of the right kind, all reported at once.
    expect(
      problems({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        SLACK_TEAM_ID: 'U0NOTATEAM',
        SLACK_ENTERPRISE_ID: 'T0TEAM',
        SLACK_APP_ID: 'a0lower',
      }).map((problem) => problem.split(':')[0]),
    ).toEqual(['SLACK_TEAM_ID', 'SLACK_ENTERPRISE_ID', 'SLACK_APP_ID']);
    expect(
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        SLACK_TEAM_ID: 'T0OKR',
        SLACK_ENTERPRISE_ID: 'E0ORG',
        SLACK_APP_ID: 'A0OKR',
      }).transports.slack,
    ).toMatchObject({ teamId: 'T0OKR', enterpriseId: 'E0ORG', appId: 'A0OKR' });
    // A wrong secret is reported without being shown.
    expect(
      JSON.stringify(
        problems({ SLACK_BOT_TOKEN: 'secret-token-value', SLACK_APP_TOKEN: 'xapp-1' }),
      ),
    ).not.toContain('token-value');
  });

  it("reports the transports' problems with the general ones, all at once", () => {
    expect(() =>
      loadConfig({ OKRBOT_TIMEZONE: 'Mars/Base', SLACK_BOT_TOKEN: 'xoxb-1', IRC_PORT: '0' }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^OKRBOT_TIMEZONE: /),
          expect.stringMatching(/^SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN/),
          expect.stringMatching(/^IRC_PORT: expected a TCP port/),
        ],
      }),
    );
  });

  it('describes each transport, with its secrets redacted, and the ones that are off', () => {
    const described = describeConfig(
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-secret-token',
        SLACK_APP_TOKEN: 'xapp-1',
        OKRBOT_WEB_ACCESS: 'public',
      }),
    );
    expect(described).toMatchObject({
      slack: { mode: 'socket', botToken: 'xoxb***' },
      irc: '(off)',
      shell: { actAs: '(operator)' },
    });
    expect(JSON.stringify(described)).not.toContain('secret-token');
  });

  it('redacts the database password when describing the configuration', () => {
    const described = describeConfig(
      loadConfig({ DATABASE_URL: 'postgres://okr:s3cret@db:5432/okr' }),
    );
    expect(JSON.stringify(described)).not.toContain('s3cret');
    expect(described.database).toBe('postgres://okr:***@db:5432/okr');
  });

  it('configures the scheduler and the outbox, with defaults', () => {
    expect(loadConfig({})).toMatchObject({
      instanceId: undefined,
      scheduler: 'auto',
      outbox: { rate: 10, channelIntervalMs: 1000, leaseMs: 60_000 },
      crashAt: undefined,
    });
    const config = loadConfig({
      OKRBOT_INSTANCE_ID: 'okrbot-2',
      OKRBOT_SCHEDULER: 'OFF',
      OKRBOT_OUTBOX_RATE: '50',
      OKRBOT_OUTBOX_CHANNEL_INTERVAL: '0.5',
      OKRBOT_OUTBOX_LEASE: '5',
      OKRBOT_CRASH_AT: 'after-send',
    });
    expect(config).toMatchObject({
      instanceId: 'okrbot-2',
      scheduler: 'off',
      outbox: { rate: 50, channelIntervalMs: 500, leaseMs: 5000 },
      crashAt: 'after-send',
    });
  });

  it('explains bad scheduler and outbox settings', () => {
    expect(() =>
      loadConfig({
        OKRBOT_INSTANCE_ID: 'has space',
        OKRBOT_SCHEDULER: 'sometimes',
        OKRBOT_OUTBOX_RATE: '0',
        OKRBOT_OUTBOX_LEASE: '0',
        OKRBOT_CRASH_AT: 'before-lunch',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^OKRBOT_INSTANCE_ID: expected a short name/),
          expect.stringMatching(/^OKRBOT_SCHEDULER: expected auto/),
          expect.stringMatching(/^OKRBOT_OUTBOX_RATE: expected messages per second/),
          expect.stringMatching(/^OKRBOT_OUTBOX_LEASE: expected seconds/),
          expect.stringMatching(
            /^OKRBOT_CRASH_AT: expected after-claim, after-send, postmaster-pid/,
          ),
        ],
      }),
    );
  });
});

describe('the access settings', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('reads the sign-in proxy and the metrics token', () => {
    const config = loadConfig({
      IRC_HOST: 'irc.example.org',
      OKRBOT_WEB_ACCESS: 'Proxy',
      OKRBOT_WEB_PROXY_HEADER: 'X-Auth-Request-Email',
      OKRBOT_WEB_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
      OKRBOT_METRICS_TOKEN: '0123456789abcdef',
    });
    expect(config.http.access).toEqual({
      dashboard: {
        mode: 'proxy',
        header: 'x-auth-request-email',
        trustedProxies: ['10.0.0.0/8', '::1'],
      },
      metricsToken: '0123456789abcdef',
    });
    expect(describeConfig(config).access).toEqual({
      dashboard: 'through a sign-in proxy (x-auth-request-email from 10.0.0.0/8, ::1)',
      metrics: 'bearer token',
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain('0123456789abcdef');
  });

  it('keeps the pages closed where others can reach them and nobody said who reads them', () => {
    const closed = (env: Record<string, string>) => loadConfig(env).http.access.dashboard;
    expect(closed({ IRC_HOST: 'irc.example.org' })).toEqual({
      mode: 'closed',
      reason: expect.stringMatching(/^Slack or IRC is configured.*Set OKRBOT_WEB_ACCESS=proxy/),
    });
    expect(closed({ HOST: '0.0.0.0' })).toMatchObject({
      mode: 'closed',
      reason: expect.stringContaining('HOST=0.0.0.0 serves the pages beyond this machine'),
    });
    expect(closed({})).toEqual({ mode: 'public' });
    expect(closed({ IRC_HOST: 'irc.example.org', OKRBOT_WEB_ACCESS: 'public' })).toEqual({
      mode: 'public',
    });
    expect(describeConfig(loadConfig({ IRC_HOST: 'irc.example.org' })).access).toMatchObject({
      dashboard: 'closed until OKRBOT_WEB_ACCESS is set',
    });
  });

  it('explains what is missing or wrong', () => {
    expect(problems({ OKRBOT_WEB_ACCESS: 'proxy' })).toEqual([
      expect.stringMatching(
        /^OKRBOT_WEB_TRUSTED_PROXIES: is required with OKRBOT_WEB_ACCESS=proxy/,
      ),
    ]);
    expect(
      problems({
        OKRBOT_WEB_ACCESS: 'open',
        OKRBOT_WEB_TRUSTED_PROXIES: '10.0.0.0/33,proxy.local',
        OKRBOT_METRICS_TOKEN: 'short',
      }),
    ).toEqual([
      expect.stringMatching(/^OKRBOT_WEB_ACCESS: expected public .* or proxy/),
      expect.stringContaining('(not "10.0.0.0/33", "proxy.local")'),
      expect.stringMatching(/^OKRBOT_METRICS_TOKEN: expected a secret of at least 16 characters/),
      expect.stringMatching(/are set but OKRBOT_WEB_ACCESS is not proxy/),
    ]);
  });
});
