package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every family refuses a mask of the wrong width and a sequence past its context, naming both numbers. */
class PassInputsTest {

    @Test
    void aWrongMaskOrATooLongSequenceIsRefusedByEveryFamily() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 gpt2 = new GPT2(GPT2Config.of(40, 8, 16, 1, 2), root, 1);
             Llama llama = Llama.random(LlamaConfig.llama(40, 8, 16, 32, 1, 2, 1), root, 1)) {
            for (CausalLm model : new CausalLm[] {gpt2, llama}) {
                String context = model == gpt2 ? "n_positions" : "max_position_embeddings";
                NDArray nine = root.arange(0, 9, 1, DataType.INT64).reshape(1, 9);
                IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                        () -> model.hidden(nine, null, null, null));
                assertEquals("sequence of 9 exceeds " + context + " 8", tooLong.getMessage());

                NDArray four = root.arange(0, 4, 1, DataType.INT64).reshape(1, 4);
                NDArray narrowMask = root.ones(new Shape(1, 3), DataType.INT64);
                IllegalArgumentException mask = assertThrows(IllegalArgumentException.class,
                        () -> model.hidden(four, narrowMask, null, null));
                assertEquals("attention mask covers 3 positions, expected past + T = 4", mask.getMessage());
            }
        }
    }

    @Test
    void positionsSkipLeftPaddingWhenNoneAreGiven() {
        try (NDManager m = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            NDArray ids = m.zeros(new Shape(2, 4), DataType.INT64);
            NDArray mask = m.create(new long[] {0, 0, 1, 1, 1, 1, 1, 1}, new Shape(2, 4));
            PassInputs in = PassInputs.of(ids, mask, null, null, 0, 8, "n_positions");
            assertArrayEquals(new long[] {0, 0, 0, 1, 0, 1, 2, 3}, in.positionIds().toLongArray());
            assertEquals(4, in.t());
            assertEquals(0, in.past());
        }
    }
}
