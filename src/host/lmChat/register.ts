/** Registers Switchyard inside VS Code's own Chat: the model provider, @switchyard and the enable command. */
import { TokenCounter } from '../../core/models/tokens';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { registerParticipant, type ParticipantDeps } from './participant';
import { registerLmChatProvider } from './provider';
import { useInVsCodeChat } from './enable';

export function registerVsCodeChat(services: HostServices, deps: ParticipantDeps): void {
  // One counter for the window: VS Code asks for token counts thousands of times per agent turn.
  const tokens = new TokenCounter();
  services.context.subscriptions.push(registerLmChatProvider(services, tokens), registerParticipant(services, deps));
  registerSafeCommand(services, 'switchyard.useInVsCodeChat', (arg?: unknown) =>
    useInVsCodeChat(services, typeof arg === 'object' && arg !== null ? (arg as { modelId?: string; force?: boolean; confirm?: boolean }) : {}),
  );
}

