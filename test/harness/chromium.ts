import { chromium, type Browser } from 'playwright-core';

/** The system's headless Chromium (scripts/setup.sh installs it), quiet: no GPU, sandbox or background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}
