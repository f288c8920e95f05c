using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace CxrVL.Weights;

/// <summary>
/// A restricted unpickler for what PyTorch state dicts contain. It interprets the pickle opcodes itself and maps a
/// short whitelist of globals (OrderedDict, the tensor and parameter rebuild functions, storage types, a few data
/// containers) to inert values; any other global is refused, or kept as an inert <see cref="OpaqueObject"/> when the
/// caller asked to skip unknown objects. Nothing in the file is ever executed.
/// </summary>
internal sealed class PickleReader
{
    /// <summary>Globals that are plain data containers: built as dicts from their items and attribute state.</summary>
    private static readonly HashSet<string> DataContainers =
    [
        "argparse.Namespace",
        "pytorch_lightning.utilities.parsing.AttributeDict",
        "lightning_fabric.utilities.data.AttributeDict",
        "lightning.fabric.utilities.data.AttributeDict",
    ];

    private static readonly HashSet<string> Callables =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2",
        "torch.Tensor",
        "torch.nn.parameter.Parameter",
        "_codecs.encode",
        "builtins.set",
        "builtins.frozenset",
    ];

    /// <summary>Python 2 module names that protocol-2 pickles use and Python 3 maps (as its <c>_compat_pickle</c> does).</summary>
    private static readonly Dictionary<string, string> Python2Modules = new(StringComparer.Ordinal)
    {
        ["__builtin__"] = "builtins",
        ["copy_reg"] = "copyreg",
        ["commands"] = "subprocess",
    };

    private readonly Stream _stream;
    private readonly string _source;
    private readonly Func<object?, object?> _persistentLoad;
    private readonly bool _skipUnknown;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];

    /// <param name="stream">positioned at the pickle; left just after its STOP opcode</param>
    /// <param name="source">names the file (and entry) in error messages</param>
    /// <param name="persistentLoad">resolves persistent ids (PyTorch's storage references)</param>
    /// <param name="skipUnknown">keep non-whitelisted globals as inert placeholders instead of failing</param>
    public PickleReader(Stream stream, string source, Func<object?, object?> persistentLoad, bool skipUnknown)
    {
        _stream = stream;
        _source = source;
        _persistentLoad = persistentLoad;
        _skipUnknown = skipUnknown;
    }

    /// <summary>The globals that were skipped because they are not whitelisted (only with skip-unknown).</summary>
    public SortedSet<string> SkippedGlobals { get; } = new(StringComparer.Ordinal);

    public static bool IsStorageType(PickleGlobal global) =>
        global.Module == "torch" && global.Name.EndsWith("Storage", StringComparison.Ordinal);

    public object? Load()
    {
        while (true)
        {
            var opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: ReadByte(); break; // PROTO
                case 0x95: ReadBytes(8); break; // FRAME: a framing hint only
                case 0x2e: return Pop(); // STOP
                case 0x28: _marks.Add(_stack.Count); break; // MARK
                case 0x30: Pop(); break; // POP
                case 0x31: PopMark(); break; // POP_MARK
                case 0x32: Push(Peek()); break; // DUP
                case 0x4e: Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case 0x4a: Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case 0x4b: Push((long)ReadByte()); break; // BININT1
                case 0x4d: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4))); break; // LONG4
                case 0x47: Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case 0x49: Push(ParseTextInt(ReadLine())); break; // INT
                case 0x4c: Push(ParseTextInt(ReadLine().TrimEnd('L'))); break; // LONG
                case 0x46: Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT
                case 0x58: Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(4)))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(8)))); break; // BINUNICODE8
                case 0x56: Push(ReadLine()); break; // UNICODE (raw-unicode-escaped; state dict keys are ASCII)
                case 0x54: Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(4)))); break; // BINSTRING
                case 0x55: Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case 0x53: Push(ReadLine().Trim('\'', '"')); break; // STRING
                case 0x42: Push(ReadBytes(ReadLength(4))); break; // BINBYTES
                case 0x43: Push(ReadBytes(ReadByte())); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8))); break; // BINBYTES8
                case 0x96: Push(ReadBytes(ReadLength(8))); break; // BYTEARRAY8
                case 0x29: Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case 0x74: Push(PopMark().ToArray()); break; // TUPLE
                case 0x85: Push(new[] { Pop() }); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case 0x5d: Push(new List<object?>()); break; // EMPTY_LIST
                case 0x6c: Push(PopMark()); break; // LIST
                case 0x61: { var item = Pop(); AsList(Peek()).Add(item); break; } // APPEND
                case 0x65: { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET (a list will do for data)
                case 0x90: { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PopMark()); break; // FROZENSET
                case 0x7d: Push(new PickleDict()); break; // EMPTY_DICT
                case 0x64: Push(ToDict(PopMark())); break; // DICT
                case 0x73: { var value = Pop(); var key = Pop(); AsDict(Peek()).Set(key, value); break; } // SETITEM
                case 0x75: // SETITEMS
                {
                    var items = PopMark();
                    var dict = AsDict(Peek());
                    for (var i = 0; i + 1 < items.Count; i += 2)
                        dict.Set(items[i], items[i + 1]);
                    break;
                }
                case 0x71: _memo[ReadByte()] = Peek(); break; // BINPUT
                case 0x72: _memo[ReadLength(4)] = Peek(); break; // LONG_BINPUT
                case 0x70: _memo[ParseTextInt(ReadLine())] = Peek(); break; // PUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case 0x68: Push(FromMemo(ReadByte())); break; // BINGET
                case 0x6a: Push(FromMemo(ReadLength(4))); break; // LONG_BINGET
                case 0x67: Push(FromMemo(ParseTextInt(ReadLine()))); break; // GET
                case 0x63: Push(ResolveGlobal(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string;
                    var module = Pop() as string;
                    if (name is null || module is null)
                        throw Broken("STACK_GLOBAL without module and name strings");
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case 0x52: { var args = AsTuple(Pop()); var callable = Pop(); Push(Call(callable, args)); break; } // REDUCE
                case 0x81: { var args = AsTuple(Pop()); var cls = Pop(); Push(New(cls, args)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = AsTuple(Pop()); var cls = Pop(); Push(New(cls, args)); break; } // NEWOBJ_EX
                case 0x69: { var global = ResolveGlobal(ReadLine(), ReadLine()); Push(New(global, PopMark().ToArray())); break; } // INST
                case 0x6f: { var items = PopMark(); Push(New(items[0], items.Skip(1).ToArray())); break; } // OBJ
                case 0x62: { var state = Pop(); Build(Peek(), state); break; } // BUILD
                case 0x51: Push(_persistentLoad(Pop())); break; // BINPERSID
                case 0x50: Push(_persistentLoad(ReadLine())); break; // PERSID
                default:
                    throw Broken($"unsupported pickle opcode 0x{opcode:x2} at byte {_stream.Position - 1}");
            }
        }
    }

    private object ResolveGlobal(string module, string name)
    {
        var global = new PickleGlobal(Python2Modules.GetValueOrDefault(module, module), name);
        var full = global.FullName;
        if (IsKnown(global))
            return global;
        if (_skipUnknown)
        {
            SkippedGlobals.Add(full);
            return global;
        }
        throw new CheckpointException(
            $"{_source} references the Python global '{full}', which a checkpoint of weights does not need, so CxrVL " +
            "refuses the file (nothing in it was executed). Only tensors, storages, OrderedDict, numbers, strings, lists " +
            "and dicts are read. If that object sits outside the weights (Lightning 'hyper_parameters', optimizer or " +
            "callback state), read it with --skip-unknown-objects (CheckpointReadOptions.SkipUnknownObjects) to keep " +
            "it inert and load the tensors; for a whole pickled model (torch.save(model)) it reads the parameters without " +
            "running the model's code.");
    }

    private static bool IsKnown(PickleGlobal global) =>
        Callables.Contains(global.FullName) || DataContainers.Contains(global.FullName) || IsStorageType(global);

    private object? Call(object? callable, object?[] args)
    {
        if (callable is OpaqueObject opaque)
            return new OpaqueObject(opaque.TypeName);
        if (callable is not PickleGlobal global)
            throw Broken($"REDUCE on a {Describe(callable)}, not a global");
        if (!IsKnown(global))
        {
            // Only reachable when skipping unknown objects: nothing is called. copyreg._reconstructor(cls, base, state)
            // builds an instance of cls, so name it after cls.
            var type = global.FullName == "copyreg._reconstructor" && args.Length > 0 && args[0] is PickleGlobal cls ? cls.FullName : global.FullName;
            return new OpaqueObject(type) { Arguments = args };
        }
        switch (global.FullName)
        {
            case "collections.OrderedDict":
                return args.Length == 0 ? new PickleDict() : ToDict(AsList(args[0]).SelectMany(pair => AsTuple(pair)).ToList());
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor":
                if (args.Length < 4 || args[0] is not StorageRef storage)
                    throw Broken($"{global.FullName} without a storage argument");
                return new TensorRef(storage, AsLong(args[1]), AsLongs(args[2]), AsLongs(args[3]));
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state":
                return args.Length > 0 && args[0] is TensorRef tensor ? tensor : throw Broken($"{global.FullName} without a tensor");
            case "torch._tensor._rebuild_from_type_v2":
                // (function, type, args, state): the tensor subclass and its Python state do not matter for weights.
                return args.Length >= 3 ? Call(args[0], AsTuple(args[2])) : throw Broken("_rebuild_from_type_v2 with too few arguments");
            case "_codecs.encode":
                return args.Length > 0 && args[0] is string text ? Encoding.Latin1.GetBytes(text) : throw Broken("_codecs.encode without a string");
            case "builtins.set" or "builtins.frozenset":
                return args.Length == 0 ? new List<object?>() : new List<object?>(AsList(args[0]));
            default:
                if (DataContainers.Contains(global.FullName))
                    return new PickleDict(global.FullName);
                throw Broken($"the global '{global.FullName}' is called with REDUCE, which is not how state dicts use it");
        }
    }

    private object? New(object? cls, object?[] args)
    {
        if (cls is OpaqueObject opaque)
            return new OpaqueObject(opaque.TypeName);
        if (cls is PickleGlobal global && DataContainers.Contains(global.FullName))
            return new PickleDict(global.FullName);
        if (cls is PickleGlobal unknown && !IsKnown(unknown))
            return new OpaqueObject(unknown.FullName);
        if (cls is PickleGlobal { FullName: "torch.Tensor" or "torch.nn.parameter.Parameter" } && args.Length == 0)
            return new PickleDict(((PickleGlobal)cls).FullName);
        throw Broken($"cannot create an object of {Describe(cls)}");
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case OpaqueObject opaque:
                opaque.State = state;
                return;
            case PickleDict dict when state is PickleDict attributes:
                foreach (var (key, value) in attributes.Entries)
                    dict.Set(key, value);
                return;
            case TensorRef or PickleDict when state is null or PickleDict { Entries.Count: 0 }:
                return;
            case TensorRef when state is object?[] tuple && tuple.All(part => part is null or PickleDict { Entries.Count: 0 }):
                return;
            default:
                throw Broken($"BUILD with {Describe(state)} on {Describe(target)}");
        }
    }

    private object? FromMemo(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Broken($"memo entry {index} read before it was written");

    private static PickleDict ToDict(List<object?> items)
    {
        var dict = new PickleDict();
        for (var i = 0; i + 1 < items.Count; i += 2)
            dict.Set(items[i], items[i + 1]);
        return dict;
    }

    private List<object?> AsList(object? value) => value as List<object?> ?? throw Broken($"expected a list, found {Describe(value)}");

    private PickleDict AsDict(object? value) => value as PickleDict ?? throw Broken($"expected a dict, found {Describe(value)}");

    private object?[] AsTuple(object? value) => value switch
    {
        object?[] tuple => tuple,
        List<object?> list => list.ToArray(),
        _ => throw Broken($"expected a tuple, found {Describe(value)}"),
    };

    private long AsLong(object? value) => value is long number ? number : throw Broken($"expected an integer, found {Describe(value)}");

    private long[] AsLongs(object? value) => AsTuple(value).Select(AsLong).ToArray();

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickleGlobal global => $"global '{global.FullName}'",
        _ => value.GetType().Name,
    };

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
            throw Broken("stack underflow");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Broken("stack underflow");

    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
            throw Broken("missing MARK");
        var start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private byte ReadByte()
    {
        var value = _stream.ReadByte();
        return value >= 0 ? (byte)value : throw Broken("the pickle ends early (truncated file?)");
    }

    private long ReadLength(int size)
    {
        var bytes = ReadBytes(size);
        var length = size == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return length;
    }

    private byte[] ReadBytes(long count)
    {
        if (count < 0 || (_stream.CanSeek && count > _stream.Length - _stream.Position))
            throw Broken("a length runs past the end of the pickle (truncated file?)");
        var bytes = new byte[count];
        try
        {
            _stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw Broken("the pickle ends early (truncated file?)");
        }
        return bytes;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        for (var b = ReadByte(); b != (byte)'\n'; b = ReadByte())
            bytes.Add(b);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private object ReadLong(long size)
    {
        var value = new BigInteger(ReadBytes(size), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private long ParseTextInt(string text) => text switch
    {
        "00" => 0,
        "01" => 1,
        _ => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value : throw Broken($"'{text}' is not an integer"),
    };

    private CheckpointException Broken(string what) =>
        new($"{_source} is not a readable PyTorch checkpoint: {what}. Re-save it with torch.save(model.state_dict(), path).");
}
