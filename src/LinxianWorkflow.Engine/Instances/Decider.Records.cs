using System.Globalization;

namespace LinxianWorkflow.Engine.Instances;

// Records that do not move the proposal: a supervision member's concern, an attached document.
internal sealed partial class Decider
{
    private RuleViolation? RaiseConcern(RaiseConcern c)
    {
        var refused = Authorize(Authorization.ConcernRoles) ?? KnownStep(c.StepId) ?? Required(c.Text, Limits.Note, "concern");
        if (refused is not null)
        {
            return refused;
        }

        Emit(new ConcernRaised("concern-" + (State.Concerns + 1).ToString(CultureInfo.InvariantCulture), c.StepId, c.Text));
        return null;
    }

    private RuleViolation? AttachDocument(AttachDocument c)
    {
        var refused = Authorize(Authorization.AttachRoles) ?? KnownStep(c.StepId) ?? Required(c.FileName, Limits.Name, "fileName");
        if (refused is not null)
        {
            return refused;
        }

        if (c.Sha256 is not { Length: 64 } || !c.Sha256.All(char.IsAsciiHexDigitLower))
        {
            return Text.Violation("attachment.hash", "AttachmentHash");
        }

        if (!Limits.AttachmentTypes.Contains(c.MediaType))
        {
            return Text.Violation("attachment.type", "AttachmentType", c.MediaType, string.Join(", ", Limits.AttachmentTypes));
        }

        if (c.SizeBytes is <= 0 or > Limits.AttachmentBytes)
        {
            return Text.Violation("attachment.size", "AttachmentSize", c.SizeBytes, Limits.AttachmentBytes);
        }

        if (c.Description is { Length: > Limits.Note })
        {
            return Text.Violation("input.too-long", "InputTooLong", Text.Get("Field.description"), Limits.Note, c.Description.Length);
        }

        Emit(new DocumentAttached(c.StepId, c.Sha256, c.FileName.Trim(), c.MediaType, c.SizeBytes, c.Description));
        return null;
    }

    private RuleViolation? KnownStep(string? stepId) =>
        stepId is not null && definition.StepsById.ContainsKey(stepId) ? null : Text.Violation("step.unknown", "StepUnknown", stepId ?? "");
}
