using System.Collections.Generic;
using System.Text;

namespace NetTricks.Analyzers.Benchmarks;

/// <summary>
/// Generates realistic TorchSharp training code: per experiment a model file and a trainer file (the usual
/// layout), with a mix of correct code and the mistakes the rules look for.
/// </summary>
internal static class CorpusGenerator
{
    private const string Usings = "using System;\nusing TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n\n";

    public static List<(string Path, string Text)> Generate(int experiments)
    {
        var files = new List<(string, string)>();
        for (var i = 0; i < experiments; i++)
        {
            files.Add(($"Model{i}.cs", Usings + Model(i)));
            files.Add(($"Trainer{i}.cs", Usings + Trainer(i)));
        }

        return files;
    }

    private static string Model(int i)
    {
        var head = (i % 4) switch { 0 => "x.softmax(1)", 1 => "x.log_softmax(1)", 2 => "functional.relu(x)", _ => "x" };
        var recurrent = i % 5 == 0;
        var text = new StringBuilder();
        text.Append($$"""
            public sealed class Model{{i}} : Module<Tensor, Tensor>
            {
                private readonly Linear input = Linear({{16 + i % 7}}, 128);
                private readonly Sequential body = Sequential(("fc1", Linear(128, 128)), ("act1", ReLU()), ("fc2", Linear(128, 64)), ("act2", Tanh()));
                private readonly Linear output = Linear(64, 10);
            {{(recurrent ? "    private readonly GRU gru = GRU(64, 64, batchFirst: true);\n" : "")}}
                public Model{{i}}() : base("model{{i}}") => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    x = input.forward(x).relu();
                    x = body.forward(x);
            {{(recurrent ? "        var (sequence, _) = gru.forward(x.unsqueeze(1));\n        x = sequence.squeeze(1);\n" : "")}}
                    x = output.forward(x);
                    return {{head}};
                }
            }

            """);
        return text.ToString();
    }

    private static string Trainer(int i)
    {
        var loss = (i % 3) switch { 0 => "CrossEntropyLoss()", 1 => "NLLLoss()", _ => "MSELoss()" };
        var target = i % 3 == 2 ? "functional.one_hot(labels, 10).to_type(ScalarType.Float32)" : "labels";
        var zeroGrad = i % 6 == 0 ? "" : "optimizer.zero_grad();";
        var clip = i % 4 == 0 ? "torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);" : "";
        var input = i % 2 == 0 ? "features" : "features.index_select(0, randperm(features.shape[0]).narrow(0, 0, 32))";
        var targetValue = i % 2 == 0 ? target : target.Replace("labels", "labels.index_select(0, randperm(labels.shape[0]).narrow(0, 0, 32))");
        return $$"""
            public sealed class Trainer{{i}}
            {
                private readonly Model{{i}} model = new();
                private readonly Loss<Tensor, Tensor, Tensor> criterion = {{loss}};
                private readonly torch.optim.Optimizer optimizer;

                public Trainer{{i}}() => optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);

                private Tensor Predict(Tensor x) => model.forward(x);

                public double Evaluate(Tensor x, Tensor labels)
                {
                    model.eval();
                    using var _ = no_grad();
                    var predicted = Predict(x).argmax(1);
                    return predicted.eq(labels).to_type(ScalarType.Float32).mean().item<float>();
                }

                public void Fit(Tensor features, Tensor labels, int epochs)
                {
                    for (var epoch = 0; epoch < epochs; epoch++)
                    {
                        using var scope = NewDisposeScope();
                        model.train();
                        {{zeroGrad}}
                        var output = model.forward({{input}});
                        var loss = criterion.forward(output, {{targetValue}});
                        loss.backward();
                        {{clip}}
                        optimizer.step();
                        if (epoch % 10 == 0)
                            Console.WriteLine($"epoch {epoch}: {loss.item<float>():F4}");
                    }
                }
            }

            """;
    }
}
