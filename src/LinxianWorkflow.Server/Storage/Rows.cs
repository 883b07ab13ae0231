namespace LinxianWorkflow.Server.Storage;

// Rows as Dapper reads and writes them. Every instant is kept in UTC (PostgreSQL's timestamptz takes only
// offset 0; SQLite's text then sorts).  Classes with settable properties rather than positional records,
// because SQLite hands back 64-bit integers and 0/1 booleans that Dapper converts only into properties.

public sealed class ProposalRow
{
    public string Id { get; set; } = "";
    public string VillagePath { get; set; } = "";
    public string VillageCode { get; set; } = "";
    public string TownshipCode { get; set; } = "";
    public string Title { get; set; } = "";
    public string Category { get; set; } = "";
    public long AmountFen { get; set; }
    public string Status { get; set; } = "";
    public string? Result { get; set; }
    public string CurrentStep { get; set; } = "";
    public string StepKind { get; set; } = "";
    public int Visit { get; set; }
    public int Version { get; set; }
    public string DefinitionKey { get; set; } = "";
    public string ProfileKey { get; set; } = "";
    public DateTimeOffset StartedAt { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset UpdatedAt { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset StepEnteredAt { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset? DueAt { get; set => field = value?.ToUniversalTime(); }
    public bool Overdue { get; set; }
    public string LastHash { get; set; } = "";
}

public sealed class TaskRow
{
    public string InstanceId { get; set; } = "";
    public string Task { get; set; } = "";
    public string Role { get; set; } = "";
    public int Visit { get; set; }
    public string VillagePath { get; set; } = "";
    public string StepId { get; set; } = "";
    public DateTimeOffset? DueAt { get; set => field = value?.ToUniversalTime(); }
    public DateTimeOffset? RemindAt { get; set => field = value?.ToUniversalTime(); }
    public DateTimeOffset OpenedAt { get; set => field = value.ToUniversalTime(); }
}

public sealed class TimerRow
{
    public string InstanceId { get; set; } = "";
    public string TimerId { get; set; } = "";
    public string StepId { get; set; } = "";
    public int Visit { get; set; }
    public string Purpose { get; set; } = "";
    public string OnExpiry { get; set; } = "";
    public string? ObjectionId { get; set; }
    public DateTimeOffset DueAt { get; set => field = value.ToUniversalTime(); }
    public string Status { get; set; } = "";
    public string? JobId { get; set; }
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
}

public sealed class DisclosureRow
{
    public string InstanceId { get; set; } = "";
    public string StepId { get; set; } = "";
    public int Visit { get; set; }
    public string VillageCode { get; set; } = "";
    public string Title { get; set; } = "";
    public string NoticeText { get; set; } = "";
    public string Channels { get; set; } = "";
    public int PeriodDays { get; set; }
    public DateTimeOffset PublishedAt { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset ClosableFrom { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset? ClosedAt { get; set => field = value?.ToUniversalTime(); }
    public int EventSeq { get; set; }
    public string EventHash { get; set; } = "";
    /// <summary>The publishing event's place in the Merkle log; null until the batcher has logged it.</summary>
    public long? LogPosition { get; set; }
}

public sealed class UserRow
{
    public string Id { get; set; } = "";
    public string UserName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? PasswordHash { get; set; }
    public string Grants { get; set; } = "[]";
    public bool Disabled { get; set; }
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set => field = value?.ToUniversalTime(); }
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
    public string? Phone { get; set; }
    public DateTimeOffset? PhoneVerifiedAt { get; set => field = value?.ToUniversalTime(); }
    public string? WeComId { get; set; }
    public DateTimeOffset? WeComVerifiedAt { get; set => field = value?.ToUniversalTime(); }
}

/// <summary>One notification on one channel to one recipient (a user id, a group's area code, "file"): pending, sent or dead.</summary>
public sealed class DeliveryRow
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    public string Channel { get; set; } = "";
    public string Recipient { get; set; } = "";
    public string Status { get; set; } = "pending";
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set => field = value.ToUniversalTime(); }
    public string? LastError { get; set; }
    public string? ProviderMessageId { get; set; }
    public DateTimeOffset? SentAt { get; set => field = value?.ToUniversalTime(); }
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }

    /// <summary>The provider's receipt, when it sends one: delivered or failed at the handset, when, and its code.</summary>
    public string? ReceiptStatus { get; set; }
    public DateTimeOffset? ReceiptAt { get; set => field = value?.ToUniversalTime(); }
    public string? ReceiptDetail { get; set; }
}

public sealed class TokenRow
{
    public string TokenHash { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset? ExpiresAt { get; set => field = value?.ToUniversalTime(); }
    public DateTimeOffset? RevokedAt { get; set => field = value?.ToUniversalTime(); }
}

public sealed class IdempotencyRow
{
    public string UserId { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int Status { get; set; }
    public string Response { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
}

public sealed class NotificationRow
{
    public long Id { get; set; }
    public string InstanceId { get; set; } = "";
    public string Role { get; set; } = "";
    public string AreaPath { get; set; } = "";
    public string Kind { get; set; } = "";
    public string StepId { get; set; } = "";
    public string TextZh { get; set; } = "";
    public string TextEn { get; set; } = "";

    /// <summary>The text's arguments (a JSON array of strings), for channels whose messages are templates.</summary>
    public string Params { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
    public DateTimeOffset? RoutedAt { get; set => field = value?.ToUniversalTime(); }
}

/// <summary>Everything one accepted command writes, in one transaction.</summary>
public sealed record Commit(
    string InstanceId,
    int ExpectedVersion,
    string ActorId,
    DateTimeOffset At,
    IReadOnlyList<StoredEvent> Events,
    ProposalRow Proposal,
    IReadOnlyList<TaskRow> OpenTasks,
    IReadOnlyList<TimerRow> NewTimers,
    IReadOnlyList<(string TimerId, string Status)> SettledTimers,
    IReadOnlyList<DisclosureRow> Disclosures,
    IReadOnlyList<(string StepId, int Visit)> ClosedDisclosures,
    IReadOnlyList<(string Kind, string Payload)> Outbox,
    IReadOnlyList<NotificationRow> Notifications,
    IdempotencyRow? Idempotency)
{
    /// <summary>A document the command attaches, stored in the same transaction as its event (or not at all).</summary>
    public AttachmentBlob? Attachment { get; init; }

    /// <summary>A contact an objector left, kept outside the history (erasable) in the same transaction as its event.</summary>
    public ObjectionContact? Contact { get; init; }

    /// <summary>What the command adds to the overview's counters (<see cref="Application.OverviewTally"/>), one row per key, sorted.</summary>
    public IReadOnlyList<TallyRow> Tallies { get; init; } = [];
}

/// <summary>A counter of the overview: how many of <paramref name="Metric"/> at a step (in a bucket) a township has.</summary>
public sealed record TallyRow(string TownshipCode, string Metric, string StepId, int Bucket, long N);

/// <summary>A document's bytes under its SHA-256, with who stored it when.</summary>
public sealed record AttachmentBlob(string Sha256, string MediaType, byte[] Content, DateTimeOffset At, string By);

/// <summary>A contact to keep with the objection it came with, written in the same transaction as the event.</summary>
public sealed record ObjectionContact(string ProposalId, string ObjectionId, string Contact, DateTimeOffset At);
