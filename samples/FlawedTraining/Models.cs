using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FlawedTraining;

/// <summary>House-price regressor: a wide MLP on 8 features (about 136k parameters).</summary>
public sealed class PriceRegressor : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers;

    public PriceRegressor() : base(nameof(PriceRegressor))
    {
        layers = Sequential(
            ("fc1", Linear(8, 512)),
            ("relu1", ReLU()),
            ("fc2", Linear(512, 256)),
            ("relu2", ReLU()),
            ("out", Linear(256, 1)),
            ("out_relu", ReLU()));   // NT1001: a price is never negative... but the targets are standardised
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => layers.forward(x);
}

/// <summary>Classifier with hand-written layers; returns class probabilities.</summary>
public sealed class TeacherClassifier : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public TeacherClassifier(int features, int hidden, int classes) : base(nameof(TeacherClassifier))
    {
        fc1 = Linear(features, hidden);
        fc2 = Linear(hidden, hidden);
        fc3 = Linear(hidden, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = fc1.forward(x).relu();
        x = fc2.forward(x).relu();
        x = fc3.forward(x);
        return x.softmax(1);   // NT1003: probabilities, but CrossEntropyLoss expects logits
    }
}

/// <summary>Spiral classifier: an MLP whose head turns scores into probabilities.</summary>
public sealed class SpiralClassifier : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> body;
    private readonly Module<Tensor, Tensor> head;

    public SpiralClassifier(int classes) : base(nameof(SpiralClassifier))
    {
        body = Sequential(
            ("fc1", Linear(2, 64)),
            ("relu1", ReLU()),
            ("fc2", Linear(64, 64)),
            ("relu2", ReLU()));
        head = Sequential(
            ("scores", Linear(64, classes)),
            ("softmax", Softmax(1)));   // NT1004: NLLLoss needs log-probabilities, not probabilities
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.forward(body.forward(x));
}

/// <summary>A plain MLP classifier returning logits.</summary>
public sealed class TabularClassifier : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public TabularClassifier(int features, int hidden, int classes) : base(nameof(TabularClassifier))
    {
        fc1 = Linear(features, hidden);
        fc2 = Linear(hidden, hidden);
        fc3 = Linear(hidden, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = functional.relu(fc1.forward(x));
        x = functional.relu(fc2.forward(x));
        return fc3.forward(x);
    }
}

/// <summary>LSTM over a sequence, regression head on the last step.</summary>
public sealed class SequenceRegressor : Module<Tensor, Tensor>
{
    private readonly LSTM lstm;
    private readonly Linear head;

    public SequenceRegressor(int inputSize, int hiddenSize) : base(nameof(SequenceRegressor))
    {
        lstm = LSTM(inputSize, hiddenSize, batchFirst: true);
        head = Linear(hiddenSize, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var (output, _, _) = lstm.forward(x);
        return head.forward(output.select(1, -1));
    }
}
