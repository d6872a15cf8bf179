namespace Exchange.Client.Security;

/// <summary>Endpoint metadata: who may call it. The authentication middleware reads it.</summary>
public enum Access
{
    /// <summary>Anyone; rate-limited by client address.</summary>
    Public,
    /// <summary>A request signed with an account's API key.</summary>
    Account,
    /// <summary>The operator, with the admin bearer token.</summary>
    Admin,
    /// <summary>A request signed with a price feed's API key (an account's key is refused).</summary>
    Feed,
}

public sealed record EndpointAccess(Access Access);

public static class EndpointAccessExtensions
{
    public static TBuilder RequireSignature<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Access.Account));

    public static TBuilder RequireFeedSignature<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Access.Feed));

    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Access.Admin));
}
