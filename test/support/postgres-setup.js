/** jest.postgres.config.js globalSetup: names this run, so workers' clusters can be found and stopped at the end. */
module.exports = async () => {
  process.env.MICROSEG_TEST_PG_OWNER = String(process.pid);
};
