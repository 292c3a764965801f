/** jest.postgres.config.js: every test file of that run uses PostgreSQL (test/support/worker-postgres.ts). */
process.env.MICROSEG_TEST_DATABASE = 'postgres';
