using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetTricks.Tests;

public class GradientCheckedAttributeTests
{
    [GradientChecked("NetTricks.Tests.SomeGradientCheckTests")]
    private sealed class CheckedElsewhere { }

    [GradientChecked]
    private sealed class CheckedWithoutLocation { }

    [Fact]
    public void Records_where_the_gradient_check_lives_and_applies_to_classes_only()
    {
        var named = typeof(CheckedElsewhere).GetCustomAttribute<GradientCheckedAttribute>();
        var unnamed = typeof(CheckedWithoutLocation).GetCustomAttribute<GradientCheckedAttribute>();
        var usage = typeof(GradientCheckedAttribute).GetCustomAttribute<AttributeUsageAttribute>()!;

        Assert.Equal("NetTricks.Tests.SomeGradientCheckTests", named!.CheckedIn);
        Assert.Null(unnamed!.CheckedIn);
        Assert.Equal(AttributeTargets.Class, usage.ValidOn);
        Assert.False(usage.AllowMultiple);
        Assert.True(typeof(GradientCheckedAttribute).IsSealed);
    }
}
