namespace Outbound.Tests.Infrastructure;

/// <summary>
/// Keeps the two layers apart: <c>./test.sh --fast</c> runs what has no <c>Integration</c> trait, without Azurite,
/// so a test class on the real system (Azurite, sockets) must carry the trait, and one on the in-process system
/// must not (it would leave the unit layer for nothing).
/// </summary>
public sealed class TestLayerTests
{
    private static readonly Type[] TestClasses = [.. typeof(TestLayerTests).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.IsDefined(typeof(FactAttribute), inherit: true)))];

    [Fact]
    public void A_test_class_on_the_real_system_is_in_the_integration_layer()
    {
        var unmarked = TestClasses.Where(t => Fixtures(t).Any(f => typeof(OutboundSystem).IsAssignableFrom(f)) && !IsIntegration(t)).Select(t => t.FullName);

        Assert.Empty(unmarked);
    }

    [Fact]
    public void A_test_class_on_the_in_process_system_is_in_the_unit_layer()
    {
        var marked = TestClasses.Where(t => Fixtures(t).Contains(typeof(InProcessSystem)) && IsIntegration(t)).Select(t => t.FullName);

        Assert.Empty(marked);
    }

    /// <summary>What xUnit hands the class: its constructor's fixtures and the class fixtures it declares.</summary>
    private static IEnumerable<Type> Fixtures(Type testClass) =>
        testClass.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
            .Concat(testClass.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)).Select(i => i.GetGenericArguments()[0]));

    // Read from the attribute data: xUnit's TraitAttribute keeps its name and value only as constructor arguments.
    private static bool IsIntegration(Type testClass) =>
        testClass.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
            && a.ConstructorArguments is [{ Value: TestEnvironment.Category }, { Value: TestEnvironment.Integration }]);
}
