using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SubmodulesNotRegisteredAnalyzer, NetTricks.CodeFixes.UseModuleListCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SubmodulesNotRegisteredAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT8003SubmodulesNotRegisteredTests
{
    [Fact]
    public Task Layers_in_plain_collections_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Deep : Module<Tensor, Tensor>
        {
            private readonly List<Linear> {|NT8003:layers = new()|};
            private readonly Linear[] {|NT8003:heads|};
            private readonly Dictionary<string, Module<Tensor, Tensor>> {|NT8003:named = new()|};

            public Deep() : base("deep")
            {
                for (var i = 0; i < 3; i++)
                    layers.Add(Linear(8, 8));
                heads = new[] { Linear(8, 1) };
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                foreach (var layer in layers)
                    x = layer.forward(x).relu();
                return heads[0].forward(x);
            }
        }
        """);

    [Fact]
    public Task ModuleList_and_register_module_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Good : Module<Tensor, Tensor>
        {
            private readonly ModuleList<Linear> layers = new(Linear(8, 8), Linear(8, 8));
            public Good() : base("good") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers[1].forward(layers[0].forward(x));
        }

        sealed class ByHand : Module<Tensor, Tensor>
        {
            private readonly List<Linear> layers = new();
            public ByHand() : base("by_hand")
            {
                for (var i = 0; i < 2; i++)
                {
                    layers.Add(Linear(8, 8));
                    register_module($"layer{i}", layers[i]);
                }

                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => layers[1].forward(layers[0].forward(x));
        }
        """);

    [Fact]
    public Task Module_classes_nested_in_classes_and_namespaces_and_generic_ones_are_all_looked_at() => V.AnalyzerAsync(Sources.Usings + """
        namespace Outer.Inner
        {
            static class Models
            {
                public sealed class Nested : Module<Tensor, Tensor>
                {
                    private readonly List<Linear> {|NT8003:layers = new()|};
                    public Nested() : base("nested") { layers.Add(Linear(8, 8)); RegisterComponents(); }
                    public override Tensor forward(Tensor x) => layers[0].forward(x);

                    public sealed class Deeper : Module<Tensor, Tensor>
                    {
                        private readonly Linear[] {|NT8003:heads = { Linear(8, 1) }|};
                        public Deeper() : base("deeper") => RegisterComponents();
                        public override Tensor forward(Tensor x) => heads[0].forward(x);
                    }
                }
            }

            sealed class Generic<T> : Module<Tensor, Tensor>
            {
                private readonly List<Linear> {|NT8003:layers = new()|};
                public Generic() : base("generic") { layers.Add(Linear(8, 8)); RegisterComponents(); }
                public override Tensor forward(Tensor x) => layers[0].forward(x);
            }
        }
        """);

    [Fact]
    public Task Fix_uses_ModuleList() => F.FixAsync(Sources.Usings + """
        sealed class Deep : Module<Tensor, Tensor>
        {
            private readonly List<Linear> {|NT8003:layers = new List<Linear>()|};

            public Deep() : base("deep")
            {
                layers.Add(Linear(8, 8));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => layers[0].forward(x);
        }
        """, Sources.Usings + """
        sealed class Deep : Module<Tensor, Tensor>
        {
            private readonly ModuleList<Linear> layers = new ModuleList<Linear>();

            public Deep() : base("deep")
            {
                layers.Add(Linear(8, 8));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => layers[0].forward(x);
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_when_the_list_is_used_with_AddRange() => F.NoFixAsync(Sources.Usings + """
        sealed class Deep : Module<Tensor, Tensor>
        {
            private readonly List<Linear> {|NT8003:layers = new()|};

            public Deep() : base("deep")
            {
                this.layers.AddRange(new[] { Linear(8, 8), Linear(8, 8) });
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => layers[1].forward(layers[0].forward(x));
        }
        """);
}
