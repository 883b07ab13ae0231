using Mediator;

namespace LinxianWorkflow.Server.Application;

// Marker interfaces the pipeline behaviours key on. A use case declares what it is (reads one proposal,
// changes state, is administration, is idempotent, carries an expected version); the behaviours do the rest.

/// <summary>A request sent by a signed-in caller.</summary>
public interface ICallerMessage : IMessage
{
    Caller Caller { get; }
}

/// <summary>A request about one proposal: the caller must hold a role covering its village (auditors: their area).</summary>
public interface IProposalMessage : ICallerMessage
{
    string ProposalId { get; }
}

/// <summary>A request that changes something: read-only callers (auditors, administrators) are refused.</summary>
public interface IChangeMessage : ICallerMessage;

/// <summary>Administration of users and tokens: administrators only.</summary>
public interface IAdministrationMessage : ICallerMessage;

/// <summary>A request that checks its own input before anything is loaded.</summary>
public interface IValidatedMessage : IMessage
{
    /// <summary>The first problem with the input, or null.</summary>
    ProblemException? Validate();
}

/// <summary>A request that may carry an Idempotency-Key: a retry returns the first answer and appends nothing.</summary>
public interface IIdempotentMessage : ICallerMessage
{
    string? IdempotencyKey { get; }

    /// <summary>What makes two requests the same request (hashed and stored with the key).</summary>
    string Fingerprint();
}
