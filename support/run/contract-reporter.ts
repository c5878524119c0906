// The contract reporter (support/report/contract-reporter.ts) as Playwright loads it, in a run
// (playwright.config.ts) and in merge-reports (the nightly workflow): with the reports folder and the
// drift history of the configuration, which the reporter below the run layer receives rather than reads.
import ContractReporter from '../report/contract-reporter';
import { outputPaths } from './config';

export default class ConfiguredContractReporter extends ContractReporter {
  constructor() {
    super(outputPaths());
  }
}
