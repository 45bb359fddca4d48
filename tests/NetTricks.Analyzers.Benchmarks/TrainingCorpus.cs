using System.Collections.Generic;

namespace NetTricks.Analyzers.Benchmarks;

/// <summary>
/// Generates TorchSharp and ML.NET training code laid out as real projects are: per experiment a model file, a factory
/// that builds and initialises it, a data file (dataset, synthetic data, loaders), a trainer, an evaluation helper in
/// another class and the experiment that wires them; every other experiment also has an ML.NET part (row classes,
/// a pipeline factory, the experiment, a scoring helper). The experiment index picks the task, architecture, head, loss,
/// optimizer, schedule and loop, and switches on the mistakes the rules look for, so most rules both fire and stay
/// quiet somewhere. Everything compiles; nothing is run.
/// </summary>
internal static class TrainingCorpus
{
    private const string TorchUsings = "using System;\nusing System.Collections.Generic;\nusing TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n";
    private const string MlUsings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing Microsoft.ML;\nusing Microsoft.ML.Data;\nusing Microsoft.ML.Trainers;\n";

    public static List<SourceFile> Generate(int minimumLines)
    {
        var files = new List<SourceFile>();
        var lines = 0;
        for (var i = 0; lines < minimumLines; i++)
        {
            var experiment = new List<SourceFile>();
            var e = new Experiment(i);
            var ns = $"Corpus.Torch.E{i:D3}";
            experiment.Add(new($"/corpus/torch/e{i:D3}/Model.cs", ns, TorchUsings, e.Model()));
            experiment.Add(new($"/corpus/torch/e{i:D3}/ModelFactory.cs", ns, TorchUsings, e.Factory()));
            experiment.Add(new($"/corpus/torch/e{i:D3}/Data.cs", ns, TorchUsings, e.Data()));
            experiment.Add(new($"/corpus/torch/e{i:D3}/Trainer.cs", ns, TorchUsings, e.Trainer()));
            experiment.Add(new($"/corpus/torch/e{i:D3}/Evaluator.cs", ns, TorchUsings, e.Evaluator()));
            experiment.Add(new($"/corpus/torch/e{i:D3}/Experiment.cs", ns, TorchUsings, e.Entry()));
            if (i % 2 == 1)
            {
                var mlNs = $"Corpus.Ml.E{i:D3}";
                var ml = new MlExperiment(i);
                experiment.Add(new($"/corpus/ml/e{i:D3}/Rows.cs", mlNs, MlUsings, ml.Rows()));
                experiment.Add(new($"/corpus/ml/e{i:D3}/Pipelines.cs", mlNs, MlUsings, ml.Pipelines()));
                experiment.Add(new($"/corpus/ml/e{i:D3}/Scoring.cs", mlNs, MlUsings, ml.Scoring()));
                experiment.Add(new($"/corpus/ml/e{i:D3}/MlExperiment.cs", mlNs, MlUsings, ml.Entry()));
            }

            foreach (var file in experiment)
                lines += SourceFile.Lines(file.Text);
            files.AddRange(experiment);
        }

        return files;
    }

    /// <summary>One TorchSharp experiment: the index decides every choice, with co-prime strides so they combine.</summary>
    private sealed class Experiment
    {
        private readonly int i;
        private readonly int task;          // 0 classification, 1 regression, 2 binary
        private readonly int architecture;  // 0 MLP, 1 Sequential, 2 recurrent, 3 CNN, 4 stacked blocks
        private readonly int variant;
        private readonly long inputs;
        private readonly long outputs;
        private readonly long steps;

        public Experiment(int i)
        {
            this.i = i;
            task = i % 3;
            architecture = i / 3 % 5;
            variant = i / 15 % 5;
            inputs = 16 + 4 * (i % 5);
            outputs = task == 0 ? 3 + i % 5 : 1;
            steps = 6 + i % 4;
        }

        private bool Recurrent => architecture == 2;
        private string Activation(string x) => (i / 5 % 4) switch
        {
            0 => $"{x}.relu()",
            1 => $"functional.gelu({x})",
            2 => $"{x}.tanh()",
            _ => $"{x}.sigmoid()",   // NT2001 in hidden layers
        };

        /// <summary>The head applied to the last layer's output, and the criterion that reads it.</summary>
        private (string Head, string Criterion, string Target) HeadAndLoss => task switch
        {
            0 => (i / 15 % 7) switch
            {
                0 or 5 => ("x", "CrossEntropyLoss()", "y"),
                1 => ("x.log_softmax(1)", "NLLLoss()", "y"),
                2 => ("x.softmax(1)", "CrossEntropyLoss()", "y"),     // NT1003
                3 => ("x.softmax(1)", "NLLLoss()", "y"),              // NT1004
                4 => ("x.softmax(1).log()", "NLLLoss()", "y"),        // NT1006
                _ => ("x.softmax(1)", "MSELoss()", $"functional.one_hot(y, {outputs}).to_type(ScalarType.Float32)"), // NT1002
            },
            1 => variant switch
            {
                0 => ("x", "MSELoss()", "y"),
                1 => ("x", "L1Loss()", "y"),
                2 => ("x.relu()", "MSELoss()", "y"),                  // NT1001 on standardised targets
                3 => ("x", "SmoothL1Loss()", "y"),
                _ => ("x.tanh()", "MSELoss()", "y"),
            },
            _ => variant % 2 == 0
                ? ("x", "BCEWithLogitsLoss()", "y")
                : ("x.sigmoid()", "BCELoss()", "y"),                  // NT1005
        };

        public string Model() => architecture switch
        {
            0 => Mlp(),
            1 => ResidualBlock(),
            2 => RecurrentModel(),
            3 => Convolutional(),
            _ => Stacked(),
        };

        private string DropoutRate => i % 17 == 8 ? "0.9" : $"0.{1 + i % 3}";   // NT5002 for 0.9

        private string Mlp()
        {
            var init = (i % 12) switch
            {
                0 or 4 or 8 => "init.kaiming_normal_(input.weight, nonlinearity: init.NonlinearityType.ReLU);",
                1 or 5 or 9 => "init.xavier_uniform_(input.weight);",
                3 => "init.zeros_(hidden.weight);   // NT2002",
                _ => "",
            };
            var dropout = i % 12 == 1 ? "functional.dropout(x, 0.2)" : "dropout.forward(x)";   // NT5007
            return $$"""
                /// <summary>Two hidden layers with dropout{{(task == 1 ? " and layer norm" : "")}}.</summary>
                public sealed class Model : Module<Tensor, Tensor>
                {
                    private readonly Linear input;
                    private readonly Linear hidden;
                    private readonly Linear output;
                    private readonly Dropout dropout;
                    private readonly LayerNorm norm;

                    public Model(long inputs, long width, long outputs) : base(nameof(Model))
                    {
                        input = Linear(inputs, width);
                        hidden = Linear(width, width);
                        output = Linear(width, outputs);
                        dropout = Dropout({{DropoutRate}});
                        norm = LayerNorm(width);
                        RegisterComponents();
                        {{init}}
                    }

                    public override Tensor forward(Tensor x)
                    {
                        x = {{Activation("input.forward(x)")}};
                        x = {{dropout}};
                        x = {{Activation("norm.forward(hidden.forward(x))")}};
                        x = output.forward(x);
                        return {{HeadAndLoss.Head}};
                    }

                    public long ParameterCount()
                    {
                        long count = 0;
                        foreach (var parameter in parameters())
                            count += parameter.numel();
                        return count;
                    }
                }

                """;
        }

        private string ResidualBlock() => $$"""
            /// <summary>A residual block; the factory stacks them in a Sequential with an input and output layer.</summary>
            public sealed class ResidualBlock : Module<Tensor, Tensor>
            {
                private readonly Linear first;
                private readonly Linear second;
                private readonly Dropout dropout;

                public ResidualBlock(long width) : base(nameof(ResidualBlock))
                {
                    first = Linear(width, width);
                    second = Linear(width, width);
                    dropout = Dropout({{DropoutRate}});
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    var y = {{Activation("first.forward(x)")}};
                    y = second.forward(dropout.forward(y));
                    return (x + y).relu();
                }
            }

            /// <summary>Applies the task's head to the logits of a Sequential body.</summary>
            public sealed class Model : Module<Tensor, Tensor>
            {
                private readonly Sequential body;

                public Model(Sequential body) : base(nameof(Model))
                {
                    this.body = body;
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    x = body.forward(x);
                    return {{HeadAndLoss.Head}};
                }
            }

            """;

        private string RecurrentKind => (variant % 3) switch { 0 => "GRU", 1 => "LSTM", _ => "RNN" };   // RNN: NT4005

        private string RecurrentModel()
        {
            var call = RecurrentKind switch
            {
                "LSTM" => "var (sequence, _, _) = recurrent.forward(x);",
                "RNN" => "var (sequence, _) = recurrent.forward(x, null);",   // RNN.forward has no default for h0
                _ => "var (sequence, _) = recurrent.forward(x);",
            };
            return $$"""
                /// <summary>A {{RecurrentKind}} over the steps; the last step's state feeds the head.</summary>
                public sealed class Model : Module<Tensor, Tensor>
                {
                    private readonly {{RecurrentKind}} recurrent;
                    private readonly Linear head;

                    public Model(long inputs, long width, long outputs) : base(nameof(Model))
                    {
                        recurrent = {{RecurrentKind}}(inputs, width, numLayers: {{1 + i % 2}}, batchFirst: true);
                        head = Linear(width, outputs);
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor x)
                    {
                        {{call}}
                        x = head.forward(sequence.select(1, -1));
                        return {{HeadAndLoss.Head}};
                    }
                }

                """;
        }

        private string Convolutional() => $$"""
            /// <summary>Two 1-d convolutions with pooling over the feature vector, then a linear head.</summary>
            public sealed class Model : Module<Tensor, Tensor>
            {
                private readonly Conv1d conv1 = Conv1d(1, 16, 3, padding: 1);
                private readonly Conv1d conv2 = Conv1d(16, 32, 3, padding: 1);
                private readonly BatchNorm1d norm = BatchNorm1d(32);
                private readonly MaxPool1d pool = MaxPool1d(2);
                private readonly Linear head;

                public Model(long inputs, long outputs) : base(nameof(Model))
                {
                    head = Linear(32 * (inputs / 4), outputs);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x)
                {
                    x = x.unsqueeze(1);
                    x = pool.forward({{Activation("conv1.forward(x)")}});
                    x = pool.forward(norm.forward(conv2.forward(x)).relu());{{(i % 7 == 6 ? "\n        x = x.round();   // NT4004: no gradient through round" : "")}}
                    x = head.forward(x.flatten(1));
                    return {{HeadAndLoss.Head}};
                }
            }

            """;

        private string Stacked()
        {
            // NT8003 when the blocks sit in a List<> that RegisterComponents() does not see.
            var listed = variant % 2 == 0;
            return $$"""
                /// <summary>An input layer, {{2 + i % 3}} hidden blocks{{(listed ? " (in a plain List)" : "")}} and an output layer.</summary>
                public sealed class Model : Module<Tensor, Tensor>
                {
                    private readonly Linear input;
                    private readonly Linear output;
                    private readonly {{(listed ? "List<Linear> blocks = new()" : "ModuleList<Linear> blocks = new ModuleList<Linear>()")}};

                    public Model(long inputs, long width, long outputs) : base(nameof(Model))
                    {
                        input = Linear(inputs, width);
                        output = Linear(width, outputs);
                        for (var b = 0; b < {{2 + i % 3}}; b++)
                            blocks.Add(Linear(width, width));
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor x)
                    {
                        x = input.forward(x).relu();
                        foreach (var block in blocks)
                            x = {{Activation("block.forward(x)")}};
                        x = output.forward(x);
                        return {{HeadAndLoss.Head}};
                    }
                }

                """;
        }

        public string Factory()
        {
            var create = architecture switch
            {
                0 => "new Model(Inputs, Width, Outputs)",
                1 => $"""
                    new Model(Sequential(
                                ("input", Linear(Inputs, Width)),
                                ("act", ReLU()),
                                ("block1", new ResidualBlock(Width)),
                                ("block2", new ResidualBlock(Width)),
                                ("output", Linear(Width, Outputs))))
                    """,
                2 => "new Model(Inputs, Width, Outputs)",
                3 => "new Model(Inputs, Outputs)",
                _ => "new Model(Inputs, Width, Outputs)",
            };
            var optimizer = (i / 4 % 5) switch
            {
                0 => $"torch.optim.Adam(model.parameters(), lr: {LearningRate(1e-3)}, weight_decay: 1e-4)",
                1 => $"torch.optim.AdamW(model.parameters(), lr: {LearningRate(1e-3)})",
                2 => $"torch.optim.SGD(model.parameters(), {LearningRate(0.05)}, momentum: 0.9)",
                3 => $"torch.optim.SGD(model.parameters(), {LearningRate(0.05)})",   // NT3004
                _ => $"torch.optim.RMSProp(model.parameters(), lr: {LearningRate(1e-3)})",
            };
            return $$"""
                /// <summary>Builds the model and its optimizer; sizes shared with the data file.</summary>
                public static class ModelFactory
                {
                    public const long Width = {{32 << (i % 3)}};

                    public static long Inputs => SyntheticData.Inputs;

                    public static long Outputs => SyntheticData.Outputs;

                    public static Model Create(int seed)
                    {
                        torch.manual_seed(seed);
                        return {{create}};
                    }

                    public static torch.optim.Optimizer Optimizer(Model model) => {{optimizer}};

                    public static Loss<Tensor, Tensor, Tensor> Criterion() => {{HeadAndLoss.Criterion}};

                    public static string Describe(Model model)
                    {
                        var names = new List<string>();
                        foreach (var (name, parameter) in model.named_parameters())
                            names.Add($"{name}: [{string.Join(", ", parameter.shape)}]");
                        return string.Join("; ", names);
                    }
                }

                """;
        }

        private string LearningRate(double usual) => i % 23 == 11 ? "10.0" : usual.ToString(System.Globalization.CultureInfo.InvariantCulture);   // NT3005

        public string Data()
        {
            var shape = Recurrent ? $"randn(count, Steps, Inputs)" : "randn(count, Inputs)";
            var target = task switch
            {
                0 => "x.flatten(1).narrow(1, 0, Outputs).argmax(1)",
                1 => "(x.flatten(1).sum(1, keepdim: true) * 0.25).tanh() * 3.0 - 0.5",
                _ => "x.flatten(1).sum(1, keepdim: true).gt(0).to_type(ScalarType.Float32)",
            };
            var batch = i % 14 == 13 ? 4096 : 32 << (i % 3);   // NT3007
            return $$"""
                /// <summary>Rows for the data loader: one feature tensor and one target per index.</summary>
                public sealed class Rows : torch.utils.data.Dataset
                {
                    private readonly Tensor features;
                    private readonly Tensor targets;

                    public Rows(Tensor features, Tensor targets)
                    {
                        this.features = features;
                        this.targets = targets;
                    }

                    public override long Count => features.shape[0];

                    public override Dictionary<string, Tensor> GetTensor(long index) =>
                        new() { ["x"] = features[index], ["y"] = targets[index] };
                }

                /// <summary>Synthetic data with a learnable relation between features and targets.</summary>
                public static class SyntheticData
                {
                    public const long Inputs = {{inputs}};
                    public const long Steps = {{steps}};
                    public const long Outputs = {{outputs}};
                    public const int BatchSize = {{batch}};

                    public static (Tensor X, Tensor Y) Make(long count, int seed)
                    {
                        torch.manual_seed(seed);
                        var x = {{shape}};
                        var y = {{target}};
                        return (x, y);
                    }

                    public static (Tensor TrainX, Tensor TrainY, Tensor ValX, Tensor ValY) Split(Tensor x, Tensor y, double trainFraction)
                    {
                        var n = x.shape[0];
                        var train = (long)(n * trainFraction);
                        var order = randperm(n);
                        var trainRows = order.narrow(0, 0, train);
                        var valRows = order.narrow(0, train, n - train);
                        return (x.index_select(0, trainRows), y.index_select(0, trainRows), x.index_select(0, valRows), y.index_select(0, valRows));
                    }

                    public static Tensor Standardize(Tensor values, Tensor reference) => (values - reference.mean()) / reference.std();
                }

                /// <summary>Training and validation loaders over the synthetic rows.</summary>
                public static class Loaders
                {
                    public static DataLoader Training(Tensor x, Tensor y) =>
                        new DataLoader(new Rows(x, y), SyntheticData.BatchSize, shuffle: true, device: CPU);

                    public static DataLoader Validation(Tensor x, Tensor y) =>
                        new DataLoader(new Rows(x, y), 256, shuffle: false, device: CPU);
                }

                """;
        }

        public string Trainer()
        {
            var (_, _, target) = HeadAndLoss;
            var zeroGrad = i % 7 == 3 ? "" : "optimizer.zero_grad();";   // NT3002
            var stepFirst = i % 11 == 5;                                   // NT3003
            var scoped = i % 5 != 2;                                       // NT8001 when not scoped
            var accumulate = i % 9 == 4;                                   // NT8002
            var clip = Recurrent ? i % 6 != 0 : i % 10 == 0;               // NT4002 / NT4001
            var trainOnce = i % 13 == 7;                                   // NT5004
            var schedule = (i % 4) switch
            {
                0 => (Create: "", Step: ""),                                                    // NT3006
                1 => (Create: "torch.optim.lr_scheduler.StepLR(optimizer, 5, 0.5)", Step: "scheduler.step();"),
                2 => (Create: "torch.optim.lr_scheduler.StepLR(optimizer, 10)", Step: i % 8 == 2 ? "" : "scheduler.step();"),   // NT3008
                _ => (Create: "torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.95)", Step: "scheduler.step();"),
            };
            var loop = i % 10 == 4 ? 2 : i / 2 % 2;   // 0 loader, 1 random mini-batches, 2 full batch (NT3001)
            var update = stepFirst
                ? "optimizer.step();\n                loss.backward();"
                : (clip ? "loss.backward();\n                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n                optimizer.step();" : "loss.backward();\n                optimizer.step();");
            var total = accumulate ? "total += loss;" : "total += loss.item<float>();";
            var input = loop == 2 ? "trainX" : "x";
            var body = $$"""
                {{zeroGrad}}
                                var output = model.forward({{input}});
                                var loss = criterion.forward(output, {{target}});
                                {{update}}
                                {{total}}
                """;
            var scopeLine = scoped ? "using var scope = torch.NewDisposeScope();" : "";
            var epochBody = loop switch
            {
                0 => $$"""
                            foreach (var batch in loader)
                            {
                                {{scopeLine}}
                                var x = batch["x"];
                                var y = batch["y"];
                                {{body}}
                                steps++;
                            }
                """,
                1 => $$"""
                            using var permutation = randperm(n);
                            for (long start = 0; start < n; start += SyntheticData.BatchSize)
                            {
                                {{scopeLine}}
                                var rows = permutation.narrow(0, start, Math.Min(SyntheticData.BatchSize, n - start));
                                var x = trainX.index_select(0, rows);
                                var y = trainY.index_select(0, rows);
                                {{body}}
                                steps++;
                            }
                """,
                _ => $$"""
                            {
                                {{scopeLine}}
                                var y = trainY;
                                {{body}}
                                steps++;
                            }
                """,
            };
            return $$"""
                /// <summary>Trains the model for a number of epochs and reports the validation score after each.</summary>
                public sealed class Trainer
                {
                    private readonly Model model;
                    private readonly torch.optim.Optimizer optimizer;
                    private readonly Loss<Tensor, Tensor, Tensor> criterion;
                    private readonly List<double> history = new();

                    public Trainer(Model model)
                    {
                        this.model = model;
                        optimizer = ModelFactory.Optimizer(model);
                        criterion = ModelFactory.Criterion();
                    }

                    public IReadOnlyList<double> History => history;

                    public void Fit(Tensor trainX, Tensor trainY, Tensor valX, Tensor valY, int epochs)
                    {
                        {{(schedule.Create.Length > 0 ? $"var scheduler = {schedule.Create};" : "")}}
                        {{(loop == 0 ? (i % 6 == 1 ? "var loader = new DataLoader(new Rows(trainX, trainY), SyntheticData.BatchSize, device: CPU);" : "var loader = Loaders.Training(trainX, trainY);") : "")}}
                        var n = trainX.shape[0];
                        {{(trainOnce ? "model.train();" : "")}}
                        for (var epoch = 0; epoch < epochs; epoch++)
                        {
                            {{(trainOnce ? "" : "model.train();")}}
                            {{(accumulate ? "Tensor total = zeros(1);" : "double total = 0;")}}
                            var steps = 0;
                {{epochBody}}
                            {{schedule.Step}}
                            var score = Evaluator.Score(model, valX, valY);
                            history.Add(score);
                            if (epoch % 5 == 0)
                                Console.WriteLine($"epoch {epoch}: loss {{(accumulate ? "{total.item<float>() / steps:F4}" : "{total / steps:F4}")}}, validation {score:F4}");
                        }
                    }

                    public bool Improved(int window)
                    {
                        if (history.Count < 2 * window)
                            return true;
                        double recent = 0, earlier = 0;
                        for (var k = 0; k < window; k++)
                        {
                            recent += history[history.Count - 1 - k];
                            earlier += history[history.Count - 1 - window - k];
                        }

                        return {{(task == 1 ? "recent < earlier" : "recent > earlier")}};
                    }
                }

                """;
        }

        public string Evaluator()
        {
            var eval = i % 8 == 5 ? "" : "model.eval();";   // NT5003
            var guarded = i % 8 != 6;                        // NT5005
            var metric = task switch
            {
                0 => "model.forward(x).argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>()",
                1 => "Math.Sqrt((model.forward(x) - y).pow(2).mean().item<float>())",
                _ => $"model.forward(x){(HeadAndLoss.Head == "x" ? ".sigmoid()" : "")}.gt(0.5).to_type(ScalarType.Float32).eq(y).to_type(ScalarType.Float32).mean().item<float>()",
            };
            var predict = i % 19 == 9
                ? "torch.no_grad();   // NT8004\n        return model.forward(x);"
                : "using var guard = torch.no_grad();\n        return model.forward(x);";
            return $$"""
                /// <summary>Validation metrics and predictions, kept apart from the trainer.</summary>
                public static class Evaluator
                {
                    public static double Score(Model model, Tensor x, Tensor y)
                    {
                        {{eval}}
                        {{(guarded ? "using var guard = torch.no_grad();" : "")}}
                        return {{metric}};
                    }

                    public static double ScoreBatches(Model model, DataLoader loader)
                    {
                        model.eval();
                        using var guard = torch.no_grad();
                        double sum = 0;
                        var count = 0;
                        foreach (var batch in loader)
                        {
                            using var scope = torch.NewDisposeScope();
                            var x = batch["x"];
                            var y = batch["y"];
                            sum += {{metric}};
                            count++;
                        }

                        return count == 0 ? double.NaN : sum / count;
                    }

                {{(task == 0 ? Probabilities : "")}}
                    public static Tensor Predict(Model model, Tensor x)
                    {
                        model.eval();
                        {{predict}}
                    }
                }

                """;
        }

        private string Probabilities => $$"""
            public static Tensor Probabilities(Model model, Tensor x)
                {
                    model.eval();
                    using var guard = torch.no_grad();
                    var logits = model.forward(x);
                    return logits.softmax({{(i % 9 == 3 ? 0 : 1)}});
                }

            """;

        public string Entry()
        {
            var standardise = task == 1 ? "trainY = SyntheticData.Standardize(trainY, trainY);\n        valY = SyntheticData.Standardize(valY, trainY);" : "";
            var scoredOn = i % 10 == 9 ? "trainX, trainY" : "valX, valY";   // NT6002 when scored on the training rows
            return $$"""
                /// <summary>Wires data, model, trainer and evaluation for one run.</summary>
                public static class Experiment
                {
                    public static double Run(int seed, int epochs)
                    {
                        var (x, y) = SyntheticData.Make(2000, seed);
                        var (trainX, trainY, valX, valY) = SyntheticData.Split(x, y, 0.8);
                        {{standardise}}
                        var model = ModelFactory.Create(seed);
                        var trainer = new Trainer(model);
                        trainer.Fit(trainX, trainY, valX, valY, epochs);
                        var final = Evaluator.Score(model, {{scoredOn}});
                        var batched = Evaluator.ScoreBatches(model, Loaders.Validation(valX, valY));
                        Console.WriteLine($"{nameof(Experiment)} {seed}: {final:F4} (batched {batched:F4}), improved: {trainer.Improved(3)}");
                        return final;
                    }
                }

                """;
        }
    }

    /// <summary>One ML.NET experiment: regression, binary or multiclass, with or without normalisation.</summary>
    private sealed class MlExperiment
    {
        private readonly int i;
        private readonly int task;   // 0 regression, 1 binary, 2 multiclass
        private readonly bool normalized;
        private readonly bool scoredOnTraining;

        public MlExperiment(int i)
        {
            this.i = i;
            task = i / 2 % 3;
            normalized = i / 6 % 3 != 0;          // NT6001 for linear trainers on raw features
            scoredOnTraining = i / 2 % 7 == 3;    // NT6002
        }

        public string Rows() => $$"""
            /// <summary>One synthetic record: features on very different scales and three kinds of label.</summary>
            public sealed class Record
            {
                public float Size { get; set; }

                public float Rooms { get; set; }

                public float Age { get; set; }

                public float DistanceKm { get; set; }

                public float Income { get; set; }

                public float Price { get; set; }

                public bool Expensive { get; set; }

                public string Segment { get; set; } = "";
            }

            public sealed class PricePrediction
            {
                [ColumnName("Score")]
                public float Price { get; set; }
            }

            /// <summary>Records whose price is a noisy linear function of the features.</summary>
            public static class RecordGenerator
            {
                public static List<Record> Generate(int count, int seed)
                {
                    var random = new Random(seed + {{i}});
                    var records = new List<Record>(count);
                    for (var k = 0; k < count; k++)
                    {
                        var size = 40f + 210f * random.NextSingle();
                        var rooms = MathF.Max(1f, MathF.Round(size / 30f + 2f * (random.NextSingle() - 0.5f)));
                        var age = 100f * random.NextSingle();
                        var distance = 0.5f + 29.5f * random.NextSingle();
                        var income = 20_000f + 80_000f * random.NextSingle();
                        var price = 50f + 2.5f * size + 10f * rooms - 0.8f * age - 4f * distance + income / 1000f + 40f * (random.NextSingle() - 0.5f);
                        records.Add(new Record
                        {
                            Size = size,
                            Rooms = rooms,
                            Age = age,
                            DistanceKm = distance,
                            Income = income,
                            Price = price,
                            Expensive = price > {{500 + i % 50}}f,
                            Segment = price < 400f ? "low" : price < 600f ? "mid" : "high",
                        });
                    }

                    return records;
                }
            }

            """;

        public string Pipelines()
        {
            var features = (i % 3) switch
            {
                0 => "nameof(Record.Size), nameof(Record.Rooms), nameof(Record.Age), nameof(Record.DistanceKm)",
                1 => "nameof(Record.Size), nameof(Record.Age), nameof(Record.Income)",
                _ => "nameof(Record.Size), nameof(Record.Rooms), nameof(Record.DistanceKm), nameof(Record.Income)",
            };
            var normalizer = i % 4 < 2 ? "ml.Transforms.NormalizeMinMax(\"Features\")" : "ml.Transforms.NormalizeMeanVariance(\"Features\")";
            var trainer = (task, i / 4 % 3) switch
            {
                (0, 0) => "ml.Regression.Trainers.Sdca(labelColumnName: nameof(Record.Price), maximumNumberOfIterations: 20)",
                (0, 1) => "ml.Regression.Trainers.OnlineGradientDescent(labelColumnName: nameof(Record.Price))",
                (0, _) => "ml.Regression.Trainers.LbfgsPoissonRegression(labelColumnName: nameof(Record.Price))",
                (1, 0) => "ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: nameof(Record.Expensive))",
                (1, 1) => "ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: nameof(Record.Expensive))",
                (1, _) => "ml.BinaryClassification.Trainers.AveragedPerceptron(labelColumnName: nameof(Record.Expensive))",
                (_, 0) => "ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()",
                (_, 1) => "ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()",
                _ => "ml.MulticlassClassification.Trainers.SdcaNonCalibrated()",
            };
            // Constant column names (nameof) so NT6001 can follow them; the Features array serves the baseline.
            var concatenate = $"ml.Transforms.Concatenate(\"Features\", {features})";
            var prefix = task == 2 ? $"ml.Transforms.Conversion.MapValueToKey(\"Label\", nameof(Record.Segment))\n            .Append({concatenate})" : concatenate;
            var suffix = task == 2 ? "\n            .Append(ml.Transforms.Conversion.MapKeyToValue(\"PredictedLabel\"))" : "";
            return $$"""
                /// <summary>Builds the estimator chains the experiment fits.</summary>
                public static class PipelineFactory
                {
                    public static readonly string[] Features = { {{features}} };

                    public static IEstimator<ITransformer> Create(MLContext ml) =>
                        {{prefix}}
                            {{(normalized ? $".Append({normalizer})" : "")}}
                            .Append({{trainer}}){{suffix}};

                    public static IEstimator<ITransformer> Baseline(MLContext ml) =>
                        ml.Transforms.Concatenate("Features", Features)
                            .Append(ml.Transforms.NormalizeMinMax("Features"))
                            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(Record.Price)));
                }

                """;
        }

        public string Scoring()
        {
            var evaluate = task switch
            {
                0 => "var metrics = ml.Regression.Evaluate(model.Transform(data), labelColumnName: nameof(Record.Price));\n        return metrics.RSquared;",
                1 => i / 4 % 3 == 2
                    ? "var metrics = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data), labelColumnName: nameof(Record.Expensive));\n        return metrics.Accuracy;"
                    : "var metrics = ml.BinaryClassification.Evaluate(model.Transform(data), labelColumnName: nameof(Record.Expensive));\n        return metrics.AreaUnderRocCurve;",
                _ => "var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));\n        return metrics.MacroAccuracy;",
            };
            return $$"""
                /// <summary>Metrics and single predictions, kept apart from the experiment.</summary>
                public static class Scoring
                {
                    public static double Evaluate(MLContext ml, ITransformer model, IDataView data)
                    {
                        {{evaluate}}
                    }

                    public static double BaselineRSquared(MLContext ml, IDataView train, IDataView test)
                    {
                        var model = PipelineFactory.Baseline(ml).Fit(train);
                        return ml.Regression.Evaluate(model.Transform(test), labelColumnName: nameof(Record.Price)).RSquared;
                    }

                    public static float PredictPrice(MLContext ml, ITransformer baseline, Record record)
                    {
                        var engine = ml.Model.CreatePredictionEngine<Record, PricePrediction>(baseline);
                        return engine.Predict(record).Price;
                    }

                    public static string Summary(IEnumerable<double> scores) =>
                        string.Join(", ", scores.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
                }

                """;
        }

        public string Entry() => $$"""
            /// <summary>Loads the records, splits them, fits the pipeline and scores it.</summary>
            public static class MlExperiment
            {
                public static double Run(int seed)
                {
                    var ml = new MLContext(seed: seed);
                    var data = ml.Data.LoadFromEnumerable(RecordGenerator.Generate(count: 2000, seed: seed));
                    var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: seed);
                    var model = PipelineFactory.Create(ml).Fit(split.TrainSet);
                    var score = Scoring.Evaluate(ml, model, {{(scoredOnTraining ? "split.TrainSet" : "split.TestSet")}});
                    var baseline = Scoring.BaselineRSquared(ml, split.TrainSet, split.TestSet);
                    Console.WriteLine($"{nameof(MlExperiment)} {seed}: {score:F3} (baseline R² {baseline:F3})");
                    return score;
                }

                public static double[] CrossValidated(int seed, int folds)
                {
                    var ml = new MLContext(seed: seed);
                    var data = ml.Data.LoadFromEnumerable(RecordGenerator.Generate(count: 2000, seed: seed));
                    var results = ml.Regression.CrossValidate(data, PipelineFactory.Baseline(ml), numberOfFolds: folds, labelColumnName: nameof(Record.Price));
                    return results.Select(r => r.Metrics.RSquared).ToArray();
                }
            }

            """;
    }
}
