using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using GptPlayground.Tokenizers;

namespace GptPlayground.Notebooks.Templates;

/// <summary>One chat message.</summary>
/// <param name="Role">system, user or assistant.</param>
/// <param name="Content">The text.</param>
public sealed record ChatMessage(string Role, string Content);

/// <summary>What a model folder says about prompts: its chat template and the text of its BOS/EOS tokens.</summary>
/// <param name="ChatTemplate">Jinja source of <c>chat_template</c>, or null when the model has none.</param>
/// <param name="BosToken">Text of the BOS token ("&lt;s&gt;"), or null.</param>
/// <param name="EosToken">Text of the EOS token ("&lt;/s&gt;"), or null.</param>
public sealed record ModelPromptInfo(string? ChatTemplate, string? BosToken, string? EosToken)
{
    /// <summary>A model without template or special tokens.</summary>
    public static ModelPromptInfo None { get; } = new(null, null, null);

    /// <summary>
    /// Reads <c>tokenizer_config.json</c> (chat_template as a string, or a list of named templates where "default" wins;
    /// bos_token/eos_token as strings or <c>{"content": ...}</c>) and a <c>chat_template.jinja</c> file when present.
    /// A missing or unreadable file gives <see cref="None"/>'s values.
    /// </summary>
    public static ModelPromptInfo Load(string modelDirectory) => From(ModelFiles.Read(modelDirectory));

    /// <summary><see cref="Load"/> from a folder's files already read (a loaded model's <c>Files</c>).</summary>
    public static ModelPromptInfo From(ModelFiles files)
    {
        string? template = null, bos = null, eos = null;
        if (files.TextOf("tokenizer_config.json") is { } text)
        {
            try
            {
                var config = JsonNode.Parse(text) as JsonObject;
                template = config?["chat_template"] switch
                {
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    JsonArray a => (a.FirstOrDefault(t => t?["name"]?.GetValue<string>() == "default") ?? a.FirstOrDefault())?["template"]?.GetValue<string>(),
                    _ => null,
                };
                bos = TokenText(config?["bos_token"]);
                eos = TokenText(config?["eos_token"]);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { }
        }
        template ??= files.TextOf(ModelFiles.ChatTemplateFile);
        return new ModelPromptInfo(template, bos, eos);
    }

    static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => o["content"]?.GetValue<string>(),
        _ => null,
    };
}

/// <summary>The result of rendering messages for a model.</summary>
/// <param name="Text">The prompt text.</param>
/// <param name="Format">"template" (the model's own) or the named format used.</param>
/// <param name="AddSpecialTokens">Whether the tokenizer should add BOS when encoding: false when the text already has
/// the template's special tokens (as transformers' apply_chat_template does).</param>
/// <param name="Note">Why a named format replaced the model's template, or null.</param>
public sealed record ChatRender(string Text, string Format, bool AddSpecialTokens, string? Note);

/// <summary>
/// Chat formats: the model's own Jinja template (rendered by <see cref="JinjaTemplate"/>), or one of the named formats
/// (<see cref="Names"/>), which are the published templates of those model families.
/// </summary>
public static class ChatFormats
{
    /// <summary>The format used when nothing else is chosen: system and user messages separated by a blank line.</summary>
    public const string Plain = "plain";

    static readonly Dictionary<string, string> Sources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["chatml"] = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
        ["llama-2"] = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
        ["llama-3"] = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
        ["phi-3"] = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}",
        ["zephyr"] = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
        ["alpaca"] = "{% if messages[0]['role'] == 'system' %}{{ messages[0]['content'] + '\\n\\n' }}{% set loop_messages = messages[1:] %}{% else %}{{ 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\\n\\n' }}{% set loop_messages = messages %}{% endif %}{% for message in loop_messages %}{% if message['role'] == 'user' %}{{ '### Instruction:\\n' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}{{ '### Response:\\n' + message['content'] + eos_token + '\\n\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '### Response:\\n' }}{% endif %}",
        ["plain"] = "{% for message in messages %}{% if not loop.first %}{{ '\\n\\n' }}{% endif %}{{ message['content'] }}{% endfor %}",
    };

    // named formats whose text carries no BOS: the tokenizer adds it as for any completion prompt
    static readonly HashSet<string> AddsBos = new(StringComparer.OrdinalIgnoreCase) { "plain", "alpaca", "chatml" };

    /// <summary>The named formats: chatml, llama-2, llama-3, phi-3, zephyr, alpaca, plain.</summary>
    public static IReadOnlyList<string> Names { get; } = Sources.Keys.ToArray();

    /// <summary>The Jinja source of a named format.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>.</exception>
    public static string Source(string name) =>
        Sources.TryGetValue(name, out var s) ? s : throw new ArgumentException($"chat format '{name}' is unknown (expected one of: {string.Join(", ", Names)})");

    /// <summary>Renders a template source with the variables transformers passes (messages, bos_token, eos_token, add_generation_prompt).</summary>
    /// <exception cref="ChatTemplateException">The template uses something unsupported or raised an error.</exception>
    public static string RenderTemplate(string source, IReadOnlyList<ChatMessage> messages, string? bosToken, string? eosToken, bool addGenerationPrompt = true)
    {
        var template = JinjaTemplate.Parse(source);
        return template.Render(new Dictionary<string, object?>
        {
            ["messages"] = messages.Select(m => (object?)new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
            ["bos_token"] = bosToken ?? "",
            ["eos_token"] = eosToken ?? "",
            ["add_generation_prompt"] = addGenerationPrompt,
        });
    }

    /// <summary>
    /// Renders messages for a model: with <paramref name="format"/> when given, else with the model's chat template,
    /// else with <paramref name="fallback"/> (default plain). A model template that cannot be rendered falls back to
    /// the named format it resembles (or <paramref name="fallback"/>), and <see cref="ChatRender.Note"/> says why.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown format name.</exception>
    public static ChatRender Render(IReadOnlyList<ChatMessage> messages, ModelPromptInfo model, string? format = null, string? fallback = null)
    {
        if (format is not null) return Named(format, messages, model, null);
        if (model.ChatTemplate is { Length: > 0 } source)
        {
            var guess = fallback ?? Resembles(source);
            if (OverBudget.TryGetValue(source, out var earlier))
                return Named(guess, messages, model, $"the model's chat template ran past a budget earlier ({earlier}) and is not rendered again; used the {guess} format instead");
            try
            {
                return new ChatRender(RenderTemplate(source, messages, model.BosToken, model.EosToken), "template", false, null);
            }
            catch (ChatTemplateException e)
            {
                if (e.OverBudget && OverBudget.Count < MaxRemembered) OverBudget.TryAdd(source, e.Message);
                return Named(guess, messages, model, $"the model's chat template could not be rendered ({e.Message}); used the {guess} format instead");
            }
        }
        var name = fallback ?? Plain;
        return Named(name, messages, model, fallback is null ? "the model has no chat template; used the plain format" : null);
    }

    /// <summary>
    /// Model templates that ran past a <see cref="JinjaLimits"/> budget, with the message: a hostile template costs its
    /// whole budget (about a second of a core for the step budget) once per process, not on every preview keystroke,
    /// page view or API request. Real templates stay far below every budget, so none is remembered by mistake.
    /// </summary>
    static readonly ConcurrentDictionary<string, string> OverBudget = new(StringComparer.Ordinal);
    const int MaxRemembered = 256;

    static ChatRender Named(string name, IReadOnlyList<ChatMessage> messages, ModelPromptInfo model, string? note)
    {
        var source = Source(name);
        return new ChatRender(RenderTemplate(source, messages, model.BosToken, model.EosToken), name.ToLowerInvariant(), AddsBos.Contains(name), note);
    }

    /// <summary>The named format a template's special strings point to.</summary>
    public static string Resembles(string template) =>
        template.Contains("<|im_start|>") ? "chatml"
        : template.Contains("<|start_header_id|>") ? "llama-3"
        : template.Contains("[INST]") ? "llama-2"
        : template.Contains("<|end|>") ? "phi-3"
        : template.Contains("<|user|>") ? "zephyr"
        : template.Contains("### Instruction") ? "alpaca"
        : Plain;
}
