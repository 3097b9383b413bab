// Starts the pinned unleash-server on the PostgreSQL that .ci/unleash-server.sh runs.
import * as unleash from 'unleash-server';

await unleash.start({
  db: {
    host: '127.0.0.1',
    port: Number(process.env.UNLEASH_PG_PORT),
    user: 'unleash_user',
    password: 'password',
    database: 'unleash',
    ssl: false,
  },
  server: { host: '127.0.0.1', port: Number(process.env.HTTP_PORT) },
  versionCheck: { enable: false },
  logLevel: 'warn',
});
console.log('unleash started');
