namespace MigrantHelpBot.Handoff.Relay;

/// <summary>Wakes the handoff worker when a case changed (a staff reply to deliver, an offer made).</summary>
public sealed class HandoffSignal : Bot.WakeSignal;
