namespace MigrantHelpBot.Directory.Organizations;

/// <summary>The fixed ids the directory speaks: languages, categories, kinds, statuses, nationalities, days.</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyList<string> Languages = ["vi", "tl", "km", "my", "en", "ja"];

    /// <summary>The triage category ids (issue 3), in the classifier's order.</summary>
    public static readonly IReadOnlyList<string> Categories =
    [
        "unpaid_wages", "excessive_hours", "pregnancy", "violence_harassment", "documents_withheld", "forced_return",
        "runaway_risk", "injury_illness", "recruitment_debt", "dismissal_contract", "other",
    ];

    public static readonly IReadOnlyList<string> Kinds = ["union", "npo", "mutual_aid", "legal", "public_hotline"];

    /// <summary>The intake's residence-status answers (dialogs/intake.yaml); <c>prefer_not</c> is accepted in a match and constrains nothing.</summary>
    public static readonly IReadOnlyList<string> ResidenceStatuses = ["titp_1", "titp_2", "titp_3", "ssw_1", "ssw_2", "other", "none"];

    public static readonly IReadOnlyList<string> Nationalities = ["VN", "PH", "KH", "MM"];

    public static readonly IReadOnlyList<string> Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>The nationality a worker writing a language most likely has (for nationality focus).</summary>
    public static string? NationalityOf(string language) => language switch
    {
        "vi" => "VN",
        "tl" => "PH",
        "km" => "KH",
        "my" => "MM",
        _ => null,
    };
}
