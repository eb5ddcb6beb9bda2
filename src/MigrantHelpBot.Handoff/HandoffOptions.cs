namespace MigrantHelpBot.Handoff;

/// <summary>Configuration section <c>Handoff</c>.</summary>
public sealed class HandoffOptions
{
    public const string Section = "Handoff";

    /// <summary>How long an emergency (P0) offer waits for an organisation to accept before it moves to the next match.</summary>
    public TimeSpan EmergencyOfferTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long any other offer waits.</summary>
    public TimeSpan OfferTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often offers are checked against their SLA and pending worker messages retried.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a staff sign-in token lasts.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Failed sign-ins in a row before an account is locked for <see cref="LockoutDuration"/>.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Per-attempt timeout of a webhook notification.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a staff reply waits for its machine translation before it goes to the worker as written (marked
    /// not translated; the translation follows). It goes at once if the translator failed or its circuit is open.
    /// </summary>
    public TimeSpan TranslationHold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The pause after a translation attempt fails; it doubles with each failure, up to 10 minutes.</summary>
    public TimeSpan TranslationRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a closed case keeps its personal data (timeline, answers, translations, the conversation) before only anonymous statistics stay.</summary>
    public TimeSpan CaseRetention { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How often cases past their retention are purged.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>In Development only: create a demo organisation and staff account at start-up and print the credentials.</summary>
    public bool DemoAccount { get; set; } = true;

    public TimeSpan OfferTimeoutFor(string urgency) => urgency == "P0" ? EmergencyOfferTimeout : OfferTimeout;
}
