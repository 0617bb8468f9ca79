using GptPlayground.Inference.Serving;

namespace GptPlayground.Inference.Tests.Serving;

public class FairLineTests
{
    sealed record Request(string Session, string Name);

    static FairLine<Request> Line(params (string Session, string Name)[] requests)
    {
        var line = new FairLine<Request>(r => r.Session);
        foreach (var (session, name) in requests) line.Enqueue(new Request(session, name));
        return line;
    }

    [Fact]
    public void Sessions_are_served_round_robin_not_first_come_first_served()
    {
        var line = Line(("busy", "busy1"), ("busy", "busy2"), ("busy", "busy3"), ("other", "other1"));
        var order = new List<string>();

        while (line.Dequeue() is { } next) order.Add(next.Name);

        Assert.Equal(["busy1", "other1", "busy2", "busy3"], order);
    }

    [Fact]
    public void Service_order_is_what_dequeuing_would_give_and_peek_is_its_head()
    {
        var line = Line(("a", "a1"), ("a", "a2"), ("b", "b1"), ("c", "c1"), ("b", "b2"));

        var planned = line.InServiceOrder().Select(r => r.Name).ToList();

        Assert.Equal(["a1", "b1", "c1", "a2", "b2"], planned);
        Assert.Equal("a1", line.Peek()!.Name);
        Assert.Equal(5, line.Count);
    }

    [Fact]
    public void Removing_a_waiting_request_keeps_the_others_in_order()
    {
        var line = Line(("a", "a1"), ("b", "b1"), ("b", "b2"));
        var b1 = line.InServiceOrder().Single(r => r.Name == "b1");

        Assert.True(line.Remove(b1));
        Assert.False(line.Remove(b1));

        Assert.Equal(["a1", "b2"], line.InServiceOrder().Select(r => r.Name));
        Assert.Equal(2, line.Count);
    }
}
