namespace LinxianWorkflow.Server.Application;

/// <summary>
/// Text a person sends is checked once, the same for both stores: control characters (NUL and the rest of C0, DEL
/// and C1, but not tab, line feed or carriage return) are refused with a 400 naming the field. PostgreSQL cannot
/// store a NUL and SQLite would; neither belongs in a record anyone signs.
/// </summary>
public static class TextInput
{
    public static bool HasControlCharacter(string? text)
    {
        foreach (var c in text ?? "")
        {
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c is >= '\u007f' and <= '\u009f')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Refuses <paramref name="text"/> (the value of <paramref name="field"/>) when it holds a control character.</summary>
    public static void Check(string field, string? text)
    {
        if (HasControlCharacter(text))
        {
            throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.control-character", "ControlCharacter", field);
        }
    }
}
