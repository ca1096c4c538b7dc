export * from './smtpChannel.ts';
export * from './twilioChannel.ts';
export * from './twilioSignature.ts';
