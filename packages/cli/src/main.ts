import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze.ts';
import { registerAsk } from './commands/ask.ts';
import { registerCampaigns } from './commands/campaigns.ts';
import { registerChurn, registerExplain } from './commands/churn.ts';
import { registerClean } from './commands/clean.ts';
import { registerCluster } from './commands/cluster.ts';
import { registerClv } from './commands/clv.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDemoData } from './commands/demoData.ts';
import { registerEmbed } from './commands/embed.ts';
import { registerFeatures } from './commands/features.ts';
import { registerForecast } from './commands/forecast.ts';
import { registerProfile } from './commands/profile.ts';
import { registerRetention } from './commands/retention.ts';
import { registerSegmentations } from './commands/segmentations.ts';
import { registerSelect } from './commands/select.ts';
import { registerServe } from './commands/serve.ts';
import { registerSql } from './commands/sql.ts';
import { registerTest } from './commands/test.ts';
import { describeError } from './errors.ts';

// A reader that stops early (| head) closes the pipe: that is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('clientele')
  .description('Clientele: customer segments, churn risk and value from your customer data')
  .showHelpAfterError()
  .exitOverride();
registerAnalyze(program);
registerCampaigns(program);
registerCluster(program);
registerSelect(program);
registerEmbed(program);
registerDemo(program);
registerDemoData(program);
registerFeatures(program);
registerProfile(program);
registerClean(program);
registerChurn(program);
registerExplain(program);
registerClv(program);
registerTest(program);
registerForecast(program);
registerRetention(program);
registerServe(program);
registerSql(program);
registerSegmentations(program);
registerAsk(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Commander has already printed help and version output and its own usage errors.
  const code = (err as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
    process.exitCode = 0;
  } else {
    const { code: exit, message } = describeError(err);
    if (!(code ?? '').startsWith('commander.')) process.stderr.write(`clientele: ${message}\n`);
    process.exitCode = exit;
  }
}
