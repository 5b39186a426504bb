// Totals of the reliability suite, printed at its end: how many hostile inputs were tried, and how
// many of them hung, crashed, left a process running or lost a file (each of those also fails its test).
export const tally = { inputsTried: 0, hangs: 0, crashes: 0, processesLeft: 0, filesLost: 0 };

export function printTally(): void {
  const { inputsTried, hangs, crashes, processesLeft, filesLost } = tally;
  console.log(
    `reliability: ${inputsTried} hostile inputs tried; ${hangs} hangs, ${crashes} crashes, ` +
      `${processesLeft} processes left running, ${filesLost} files lost`,
  );
}
