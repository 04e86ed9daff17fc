using System.ComponentModel.DataAnnotations;

namespace NexusTrade.AlertInbox;

/// <summary>Settings of the alert inbox (section <c>AlertInbox</c>), validated at start-up.</summary>
public sealed class AlertInboxOptions
{
    public const string SectionName = "AlertInbox";

    /// <summary>Loopback port of the SMTP listener (Alertmanager's <c>smtp_smarthost</c>); 0 runs no SMTP listener.</summary>
    [Range(0, 65535, ErrorMessage = "AlertInbox:SmtpPort must be between 0 (no SMTP listener) and 65535.")]
    public int SmtpPort { get; set; }

    /// <summary>Largest mail accepted (announced as SMTP <c>SIZE</c>); a bigger one is refused with 552.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "AlertInbox:MaxMessageBytes must be between 1024 and 67108864.")]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;
}
