using Orleans;

// The domain project carries only the serializer attributes; its serializers are generated here, in the first
// project with Orleans' code generator, so that the domain itself needs no Orleans runtime.
[assembly: GenerateCodeForDeclaringAssembly(typeof(Exchange.Matching.MarketSpec))]
