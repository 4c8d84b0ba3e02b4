namespace PolyChat.Protocol.Generators;

/// <summary>Names of the pipeline steps, so tests can assert which steps re-ran after an edit.</summary>
public static class TrackingNames
{
    /// <summary>Schema file text and options.</summary>
    public const string Inputs = nameof(Inputs);

    /// <summary>Parsed spec and diagnostics.</summary>
    public const string Parse = nameof(Parse);

    /// <summary>Diagnostics only.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Specs of schemas that parsed.</summary>
    public const string Specs = nameof(Specs);

    /// <summary>One model per event.</summary>
    public const string Events = nameof(Events);

    /// <summary>One model per shape.</summary>
    public const string Shapes = nameof(Shapes);

    /// <summary>One model per enum.</summary>
    public const string Enums = nameof(Enums);

    /// <summary>The union, converter and context model.</summary>
    public const string Union = nameof(Union);
}
